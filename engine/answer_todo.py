"""The to-do strategy: open, overdue, done and high-priority tasks and promises, by code.

Filters come from the question and the user's own data: the period, the kind asked (open,
overdue, done, promised by the user or to them, priority), the person named when the user's tasks
and promises know that name, and the question's task words that some task holds (a word no task
holds is dropped, not applied). What no task holds is looked for in mail and notes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from engine.answer_base import Answer, Turn
from engine.answer_recall import recall_instead
from engine.answer_schedule import schedule
from engine.brief import build_waiting
from engine.question import Question
from engine.render import task_line


def todo(turn: Turn, q: Question, ans: Answer) -> Iterator[str]:
    if q.person is None and (q.promise or q.promised_by) and (
            named := turn.agenda.person_named(q.text)):
        q = replace(q, person=named)  # "promises to priya?": a name the user's data knows
        ans.question = q
    if q.overdue and q.range is not None and q.range.start >= ans.now.replace(
            hour=0, minute=0, second=0, microsecond=0):
        # Nothing in a coming period can be overdue yet: "deadlines next week" asks for
        # what is due then.
        q = replace(q, overdue=False)
        ans.question = q
    start = q.range.start if q.range else None
    end = q.range.end if q.range else None
    label = q.range.label if q.range else ""
    asked = _task_words(q)
    content = turn.agenda.known_task_words(asked)
    if (asked and 2 * len(content) <= len(asked) and q.range is None
            and not (q.promise or q.promised_by or q.priority or q.done or q.overdue)):
        # Most of the question's words are in no task: whatever it asks about is not a
        # task ("what do I need to bring to the dentist?"); mail and notes may say.
        return recall_instead(turn, q, ans, f"No tasks about {' '.join(asked)}.")
    about = f" about {' '.join(content)}" if content else ""
    if q.done:
        tasks = turn.agenda.tasks(start=start, end=end, done=True, project=q.project,
                                  person=q.person, keywords=content)
        if content and not tasks and not q.range:
            return _not_finished(turn, q, ans, content)
        head = f"You finished {len(tasks)} task{'s' if len(tasks) != 1 else ''}{about}"
        head += f" {label}:" if label else ":"
        empty = f"No finished tasks{about} {label}.".replace("  ", " ").replace(" .", ".")
    elif q.promised_by and q.person is None and not content and q.range is None:
        # "who owes me what?": promises made to the user, delivered ones marked, and the
        # questions they asked that got no answer.
        return turn.report(build_waiting(turn.agenda, turn.agenda.store, ans.now), ans)
    elif q.promised_by:
        tasks = turn.agenda.tasks(start=start, end=end, promised_by=q.person, to_me=True,
                                  keywords=content)
        head = f"{q.person} promised you:" if q.person else "Promised to you in your mail:"
        empty = (f"I found no promises from {q.person} in your mail." if q.person
                 else "I found no promises made to you in your mail.")
    elif q.promise:
        tasks = turn.agenda.tasks(start=start, end=end, promises_only=True, person=q.person,
                                  keywords=content)
        who = f" {q.person}" if q.person else ""
        head = f"You promised{who}:"
        empty = f"I found no open promises you made{' to' + who if who else ''} in your sent mail."
    elif q.overdue:
        tasks = turn.agenda.tasks(overdue_at=ans.now, project=q.project, person=q.person,
                                  keywords=content)
        head = f"{len(tasks)} overdue task{'s' if len(tasks) != 1 else ''}{about}:"
        empty = f"Nothing{about} is overdue."
    else:
        tasks = turn.agenda.tasks(start=start, end=end, project=q.project, person=q.person,
                                  keywords=content)
        head = (f"{len(tasks)} open task{'s' if len(tasks) != 1 else ''}{about}"
                + (f" due {label}:" if label else ":"))
        empty = (f"No open tasks{about} due {label}." if label
                 else f"You have no open tasks{about}.")
    if q.priority:
        tasks = [t for t in tasks if t.priority == "A"]
        n = len(tasks)
        head = (f"{n} high-priority task{'s' if n != 1 else ''}{about}"
                + (f" due {label}:" if label else ":"))
        empty = "No open high-priority tasks" + (f" due {label}." if label else ".")
    elif q.done and content and tasks and not q.range:
        head = "Yes. " + head
    if not tasks and q.range is not None and not content and not (
            q.done or q.promise or q.promised_by or q.overdue or q.priority):
        # "What do I have on the 25th?" read as a to-do question, and nothing is due then:
        # the calendar may hold the answer.
        sched_q = replace(q, intent="schedule", next_match=False)
        events = turn.agenda.events(q.range.start, q.range.end)
        if any(not e.cancelled for e in events):
            ans.question = sched_q
            return schedule(turn, sched_q, ans)
    turn.cite_tasks(tasks, ans)
    if not tasks:
        if content and not q.promise:
            return recall_instead(turn, q, ans, empty)
        return iter([empty])
    lines = [head] + [task_line(t, turn.zone, i + 1, done=q.done) for i, t in enumerate(tasks)]
    return iter(["\n".join(lines)])


def _not_finished(turn: Turn, q: Question, ans: Answer, content: list[str]) -> Iterator[str]:
    """"Did I finish the expense report?" with no finished task of that name: say whether it
    is still open."""
    still = turn.agenda.tasks(keywords=content, project=q.project, person=q.person)
    what = " ".join(content)
    if still:
        turn.cite_tasks(still, ans)
        lines = [f"Not yet: {what} is still open."]
        lines += [task_line(t, turn.zone, i + 1) for i, t in enumerate(still)]
        return iter(["\n".join(lines)])
    return recall_instead(turn, q, ans, f"I found no task about {what}, done or open.")


# Words that say what kind of to-do question it is, not what the tasks are about.
TASK_GENERIC = {
    "task", "tasks", "todo", "todos", "to-do", "to-dos", "list", "item", "items", "thing",
    "things", "chore", "chores", "errand", "errands", "work", "focus", "need", "needs", "get",
    "got", "do", "done", "still", "open", "left", "outstanding", "pending", "high-priority",
    "priority", "priorities", "high", "top", "urgent", "important", "most", "overdue", "due",
    "late", "behind", "missed", "finish", "finished", "complete", "completed", "tick", "ticked",
    "check", "checked", "wrap", "wrapped", "close", "closed", "already", "promise", "promised",
    "promises", "owe", "said", "told", "tell", "commit", "committed", "should", "supposed",
    "ought", "have", "has", "had", "up", "off", "on", "next", "soon", "remind", "reminders",
}


def _task_words(q: Question) -> list[str]:
    """Content words of a to-do question ("kitchen renovation", "expense report"), without
    the person or project it names (those are filters of their own)."""
    names = set((q.person or "").lower().replace(".", "").split())
    names |= set((q.project or "").lower().split())
    return [k for k in q.keywords if k not in TASK_GENERIC and k not in names]
