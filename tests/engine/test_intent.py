"""The intent classifier: examples file, deterministic fit, disk cache, and its accuracy on the
held-out dev set (a floor, not a gate on particular questions)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.intent import (
    EXAMPLES,
    LABELS,
    IntentClassifier,
    default_classifier,
    fit_softmax,
    read_examples,
)
from indexing.embedder import HashEmbedder

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "eval" / "intents_dev.txt"


class CountingEmbedder(HashEmbedder):
    """The hash embedder, counting the texts it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        return super().embed_documents(texts)


def test_examples_file_is_large_varied_and_labelled():
    """The shipped examples: at least 1,000, every label well represented, no duplicates."""
    pairs = read_examples(EXAMPLES)
    assert len(pairs) >= 1000
    counts = {label: sum(1 for lab, _ in pairs if lab == label) for label in LABELS}
    assert min(counts.values()) >= 100, counts
    texts = [t.casefold() for _, t in pairs]
    assert len(set(texts)) == len(texts)


def test_dev_set_shares_no_question_with_the_examples():
    """The held-out dev set is not a copy of the training examples."""
    train = {t.casefold().strip(" ?.!") for _, t in read_examples(EXAMPLES)}
    dev = [t for _, t in read_examples(DEV)]
    assert len(dev) >= 300
    assert not [t for t in dev if t.casefold().strip(" ?.!") in train]


def test_a_bad_line_is_named(tmp_path):
    """An unknown label or a line without a tab is reported with its line number."""
    bad = tmp_path / "ex.txt"
    bad.write_text("# comment\nschedule\twhat's on\nagenda\twhat's on tomorrow\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 3: unknown label 'agenda'"):
        read_examples(bad)
    bad.write_text("todo what's due\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        read_examples(bad)


def test_fit_is_deterministic_and_separates_clusters():
    """The same data gives the same weights; two clusters are told apart."""
    rng = np.random.default_rng(7)
    centres = np.eye(8)[:2] * 3
    x = np.concatenate([centres[0] + rng.normal(0, 0.3, (40, 8)),
                        centres[1] + rng.normal(0, 0.3, (40, 8))])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = np.array([0] * 40 + [1] * 40)
    w1, b1 = fit_softmax(x, y, 2)
    w2, b2 = fit_softmax(x, y, 2)
    assert np.array_equal(w1, w2) and np.array_equal(b1, b2)
    assert ((x @ w1 + b1).argmax(axis=1) == y).mean() == 1.0


def test_weights_are_cached_and_reused(tmp_path):
    """A second classifier over the same examples and embedder loads the fit from disk and
    embeds only the question; a changed examples file is fitted again."""
    ex = tmp_path / "ex.txt"
    ex.write_text("schedule\twhat's on my calendar tomorrow\ntodo\twhat tasks are overdue\n"
                  "recall\twhat did tom say in his email\npeople\twhat is vince's email address\n"
                  "brief\tsummarize my week\ngeneral\twhat is the capital of france\n",
                  encoding="utf-8")
    first = CountingEmbedder()
    IntentClassifier(first, tmp_path / "cache", ex).classify("what's on tomorrow")
    assert first.embedded == 7
    again = CountingEmbedder()
    guess = IntentClassifier(again, tmp_path / "cache", ex).classify("what's on tomorrow")
    assert again.embedded == 1 and guess.label in LABELS
    assert abs(sum(p for _, p in guess.scores) - 1.0) < 1e-3
    ex.write_text(ex.read_text(encoding="utf-8") + "todo\twhat's due friday\n", encoding="utf-8")
    third = CountingEmbedder()
    IntentClassifier(third, tmp_path / "cache", ex).classify("what's on tomorrow")
    assert third.embedded == 8


@pytest.mark.embedder
def test_held_out_dev_accuracy_floor():
    """On questions written apart from the examples, at least 90 % get the right intent."""
    pairs = read_examples(DEV)
    probs = default_classifier().probabilities([q for _, q in pairs])
    got = [LABELS[int(i)] for i in probs.argmax(axis=1)]
    right = sum(g == lab for g, (lab, _) in zip(got, pairs, strict=True))
    assert right / len(pairs) >= 0.90, right / len(pairs)


@pytest.mark.embedder
@pytest.mark.parametrize(("label", "questions"), [
    ("schedule", ["what's on tomorrow?", "am I free Thursday at 3pm?", "When am I talking to Jonas?",
                  "what does my week look like", "is the project review still on?"]),
    ("todo", ["What's urgent?", "What do I owe people?", "what do I need to do for Tom?",
              "anything overdue", "which calls do I still have to make?"]),
    ("recall", ["what did Tom say about the contract?", "what's the booking reference for my flight?",
                "ideas I had about the garden", "why was the workshop moved?",
                "how much was the tile quote?"]),
    ("people", ["What's Vince's email address?", "who is Keisha?", "when did I last hear from Tom?",
                "Priya's mobile number", "how do I reach the landlord"]),
    ("brief", ["Summarize my week", "catch me up", "what needs my attention today?",
               "give me my morning briefing", "anything I'm forgetting?"]),
    ("general", ["What is the capital of France?", "tell me a joke", "what's 17 times 23",
                 "translate good morning into Spanish", "write a haiku about autumn"]),
])
def test_five_ways_of_asking_each_kind(label, questions):
    """Of five different phrasings of each kind of question, at least four get that kind."""
    clf = default_classifier()
    got = {q: clf.classify(q).label for q in questions}
    assert sum(g == label for g in got.values()) >= 4, got
