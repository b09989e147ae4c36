"""`digitpad runs`: list, show, compare and delete the recorded training runs."""

from __future__ import annotations

import json
import sys

from ..core.errors import UserError
from ..core.runs import RunStore, compare
from .common import print_scores


def cmd_runs(args) -> int:
    store = RunStore()
    action = args.runs_command or "list"
    if action == "delete":
        for run_id in args.runs:
            deleted, record = store.delete(run_id)
            kept = f"; its model {record.checkpoint} stays" if record and record.checkpoint else \
                "" if record else " (a damaged record)"
            print(f"deleted run {deleted}{kept}")
        return 0
    if action == "show":
        record = store.find(args.run)
        if args.json:
            print(json.dumps(record.to_dict(), indent=1))
            return 0
        _print_run(record)
        return 0
    if action == "compare":
        if len(args.runs) < 2:
            raise UserError("`digitpad runs compare` needs two or more runs; `digitpad runs show ID` shows one")
        records = [store.find(run_id) for run_id in args.runs]
        rows = compare(records)
        if args.json:
            print(json.dumps({"runs": [r.id for r in records],
                              "rows": [{"key": key, "values": values, "differs": differs}
                                       for key, values, differs in rows]}, indent=1))
            return 0
        width = max(len(key) for key, _, _ in rows)
        columns = [max(len(r.id), *(len(values[i]) for _, values, _ in rows)) for i, r in enumerate(records)]
        print(f"{'run':<{width}}  " + "  ".join(f"{r.id:<{w}}" for r, w in zip(records, columns)).rstrip())
        differ = True
        for key, values, differs in rows:
            if not any(values):  # empty in every run (no saved model, no dropout set): nothing to compare
                continue
            if differ and not differs:
                print("-- the same in every run --")
            differ = differs
            print((f"{key:<{width}}  " + "  ".join(f"{v:<{w}}" for v, w in zip(values, columns))).rstrip())
        return 0
    records, notes = store.records()
    for note in notes:
        print(f"digitpad: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps([r.to_dict() for r in records], indent=1))
        return 0
    if not records:
        print(f"no runs recorded yet in {store.folder}")
        return 0
    # a table whose columns fit their longest value, the settings (the longest) last
    header = ("run", "started", "network", "data", "epochs", "accuracy", "time", "status", "settings")
    rows = [(r.id, r.started_text(), r.arch, r.data_summary(), r.length_text(),
             f"{r.accuracy:.2%}" if r.accuracy is not None else "-", f"{r.seconds:.1f}s", r.status_text(),
             r.settings_summary()) for r in records]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    numbers = {header.index("accuracy"), header.index("time")}  # right-aligned
    for row in (header, *rows):
        print("  ".join(value.rjust(width) if i in numbers else value.ljust(width)
                        for i, (value, width) in enumerate(zip(row, widths))).rstrip())
    return 0


def _print_run(record) -> None:
    print(f"run {record.id} ({record.kind}, from the {record.front}): {record.status_text()}")
    for key, value in (("name", record.name), ("started", record.started), ("ended", record.ended),
                       ("data", record.data), ("device", record.device), ("architecture", record.arch),
                       ("settings", record.settings_summary()), ("seconds", f"{record.seconds:.1f}"),
                       ("saved model", record.checkpoint), ("tensorboard", record.tensorboard)):
        if value:
            print(f"{key:>13}: {value}")
    print("\nsettings: " + ", ".join(f"{k}={v}" for k, v in record.config.items()))
    if record.history:
        print("\nepoch  train loss  val loss  train acc  val acc        lr")
        for e in record.history:
            print(f"{e['epoch']:>5}  {e['train_loss']:>10.4f}  {e['val_loss']:>8.4f}  {e['train_accuracy']:>9.2%}  "
                  f"{e['val_accuracy']:>7.2%}  {e.get('lr', 0):>8.2g}")
    if record.metrics:
        print(f"\ntest set: {record.metrics['count']:,} images")
        print_scores(record.metrics)
