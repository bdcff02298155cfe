"""Log records as one JSON object per line (ONESEAL_LOG_FORMAT=json), for journald and the
log shippers that read it: `journalctl -u oneseal-web -o cat | jq` gives fields, not prose.

Each line carries the time (ISO 8601 with offset, the bureau's zone), level, logger, message,
process id, and the exception's traceback when there is one; extra fields given with
`logger.info(..., extra={"case": number})` are kept when JSON can hold them. Nothing here
reads settings, so gunicorn's master (deploy/gunicorn.conf.py) uses it before Django starts.
"""

import datetime
import json
import logging

# The attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.datetime.fromtimestamp(record.created)
            .astimezone()
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        for key, value in record.__dict__.items():
            if key in _STANDARD or key.startswith("_") or key in line:
                continue
            try:
                json.dumps(value)
            except (TypeError, ValueError):
                value = repr(value)
            line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)
