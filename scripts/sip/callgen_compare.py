"""callgen over SIP against acdd's own records, call by call (scripts/sip-checks.sh, step 9).

Only acdd's rows from callgen's first planned call on are compared.

callgen --sip-log writes what each caller did and saw; acdd writes a `calls` row for each SIP call. Both are put in
arrival order per entry and paired. For every pair on a keypad line, the IVR path callgen walked must be the one acdd
recorded, the outcome must agree (callgen's answered, abandoned, hung-up against acdd's), and callgen's wait in the
queue (from its walk's reaching the queue to the agent's answer or its own hang-up, measured from the RTP) must be
acdd's (queue entry to end of wait) within TOLERANCE engine seconds: three 20 ms beats at the run's speed (the key
goes out on a beat, the answer's marked frame on another, and callgen acts on a third) and 0.1 s. On a speech line
the recogniser may hear a phrase as another, so there the share of paths that agree is reported, not required.

Usage: python3 callgen_compare.py CALLS.csv ACDD.sqlite SPEED SPEECH_ENTRY...   (exit 1 on a disagreement)
"""
import csv
import sqlite3
import sys


def main(csv_path, db_path, speed, speech_entries):
    tolerance = 3 * 0.02 * speed + 0.1
    callers = [r for r in csv.DictReader(open(csv_path)) if r["setup"]]
    db = sqlite3.connect(db_path)
    # Only acdd's calls from the run's first planned call on (the database may hold earlier calls).
    first = min(float(r["planned"]) for r in callers) - 1 - tolerance
    rows = db.execute(
        "SELECT c.entry, coalesce(p.path, ''), c.outcome, c.queue_entry, c.end_of_wait, c.arrival FROM calls c "
        "LEFT JOIN ivr_paths p ON p.id = c.ivr_path WHERE c.channel = 'sip' AND c.arrival >= ? ORDER BY c.arrival",
        (first,)).fetchall()
    problems, paired, waits, speech_right, speech_calls = [], 0, [], 0, 0
    for entry in sorted({r["entry"] for r in callers} | {r[0] for r in rows}):
        mine = sorted((r for r in callers if r["entry"] == entry), key=lambda r: float(r["planned"]))
        theirs = [r for r in rows if r[0] == entry]
        if len(mine) != len(theirs):
            problems.append(f"{entry}: callgen connected {len(mine)} calls, acdd recorded {len(theirs)}")
            continue
        for me, (_, path, outcome, queued, ended, arrival) in zip(mine, theirs):
            paired += 1
            if entry in speech_entries:
                speech_calls += 1
                speech_right += me["path"] == path
                continue
            if abs(arrival - float(me["planned"])) > 1 + tolerance:
                problems.append(f"call {me['index']}: planned at {me['planned']}, acdd's arrival {arrival:.2f}")
            if me["path"] != path:
                problems.append(f"call {me['index']}: callgen walked '{me['path']}', acdd recorded '{path}'")
            if me["outcome"] != outcome:
                problems.append(f"call {me['index']}: callgen saw '{me['outcome']}', acdd recorded '{outcome}'")
            elif queued is not None and me["waited"]:
                diff = float(me["waited"]) - (ended - queued)
                waits.append(diff)
                if abs(diff) > tolerance:
                    problems.append(f"call {me['index']}: callgen waited {float(me['waited']):.2f} s, acdd "
                                    f"{ended - queued:.2f} s")
    outcomes = {}
    for r in callers:
        outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
    worst = max((abs(w) for w in waits), default=0)
    print(f"{paired} calls paired ({', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))}); "
          f"{len(waits)} waits compared, largest difference {worst:.2f} s (tolerance {tolerance:.2f} s); "
          f"speech paths agreeing: {speech_right} of {speech_calls}")
    for p in problems[:10]:
        print("  " + p)
    return 1 if problems or not waits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), set(sys.argv[4:])))
