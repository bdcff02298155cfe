"""The cases API (/api/v1/applicants, /api/v1/cases…): open a case, read it, and act on it.

Every read and every write loads the case through `visible_cases`, so a case outside the
caller's scope is a 404 that says nothing about it. Each action endpoint is thin: parse the
body with its input serializer, call the one action in `oneseal.cases.actions` (which checks
the role, locks the row, checks the transition and the `expected_version`, records the event),
and answer with the case as it now is. Domain errors are rendered by `api.errors`:
NotPermitted → 403, Conflict → 409, any other → 400.

The API records every action as of today: back-dating is not offered, except where the action
itself is about a past date (the day of a site inspection).

- `inputs`: the bodies and queries only the API takes (the action inputs are shared with the
  pages: `oneseal.interface.case_actions`);
- `outputs`: the case as staff and as applicants read it;
- `details`: loading the case a response shows;
- `views`: the endpoints, one per action from the table."""
