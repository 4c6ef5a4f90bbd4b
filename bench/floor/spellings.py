#!/usr/bin/env python3
"""Reads fiscal codes (one per line) and writes `n<TAB>{s1,...}`: for the n-th code, every
spelling the gateway looks it up under (FiscalCode::lookup_spellings in
src/domain/fiscal_code.rs): the base code and its seven progressive omocodia variants, plus the
code itself when it is none of those. The "omocodia floor" of bench/run.sh asks for these."""
import sys

POSITIONS = [14, 13, 12, 10, 9, 7, 6]
LETTERS = "LMNPQRSTUV"
ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]


def check(body):
    total = 0
    for i, c in enumerate(body):
        index = ord(c) - ord("0") if c.isdigit() else ord(c) - ord("A")
        total += ODD[min(index, 25)] if i % 2 == 0 else index
    return chr(ord("A") + total % 26)


def spellings(code):
    body = list(code[:15])
    for p in POSITIONS:
        if body[p] in LETTERS:
            body[p] = str(LETTERS.index(body[p]))
    out = []
    for level in range(8):
        variant = list(body)
        for p in POSITIONS[:level]:
            variant[p] = LETTERS[int(variant[p])]
        text = "".join(variant)
        out.append(text + check(text))
    if code not in out:
        out.append(code)
    return out


for n, line in enumerate(sys.stdin, start=1):
    code = line.strip()
    if code:
        print(f"{n}\t{{{','.join(spellings(code))}}}")
