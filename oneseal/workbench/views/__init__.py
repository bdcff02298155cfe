"""The workbench: the pages the bureau's staff work cases in (一窗受理 to 统一出件).

Every page is for active staff holding a role (or a superuser); anyone else signed in gets
403, an anonymous visitor the login page. Every case is loaded through
`cases.queries.visible_cases`, so a case outside the user's region is a 404 that says nothing
about it. A view parses its form, calls one action of `oneseal.cases.actions` (with the
API's own input serializer, so both accept the same input) and shows the action's refusal
on the form; no rule of the law is decided here.

The pages by what they do: `queues`, `case`, `intake`; what they share in `common`."""
