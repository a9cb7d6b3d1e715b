#!/usr/bin/env python3
"""Run a C++ program statement by statement in clang-repl, as a notebook kernel would feed it, and check its output.

    python3 tests/repl/run_in_repl.py [options] PROGRAM.cpp

The program is cut into cells the way a notebook holds it:
  * every preprocessor directive is a cell (`#include "kstream_sim.hpp"`, ...); an `#if`/`#ifdef`/`#ifndef`
    block at the top level is one cell, up to its `#endif`;
  * every other top-level declaration is a cell: using-directives, function, class and template definitions
    (whole), global variables -- in source order, those after main() included (they come before main's body);
  * main()'s body is split into its statements, each a cell of its own; a trailing `return ...;` is dropped.
    Lines `// --- [title]` inside main() mark cell boundaries instead: the statements between two marks form
    one cell (the way a notebook author groups them), and the title names the cell in reports.
Each cell goes to clang-repl as one input, verbatim (line breaks and comments kept), the way xeus-cpp passes a
cell to the same incremental compiler: as an argument on clang-repl's command line, which runs its arguments in
order and then quits. (clang-repl-kernel is stricter: it joins a cell's lines with nothing between them;
check_notebook.py checks notebooks for that.)

After each cell the harness sends a small statement that flushes stdout and prints a mark, so the output (and
the diagnostics on stderr) of each cell can be told apart and timed. The marks are taken out again: what is
compared with the expected file is exactly what the cells printed, plus anything printed at exit.

Fails (exit 1) when a cell gets a compiler error, when clang-repl crashes or times out, or when the output
differs from the expected file (default: PROGRAM with the suffix .expected, if it exists). Compiler warnings are
printed but do not fail the run unless --fail-on-warnings is given. Exit 2: bad usage or no clang-repl.

Options:
  --clang-repl PATH      clang-repl to run (default: $CLANG_REPL, clang-repl-19 on PATH,
                         /usr/lib/llvm-19/bin/clang-repl)
  -I DIR                 include directory (repeatable), passed as -Xcc -IDIR
  --std STD              language standard (default c++17)
  --Xcc ARG              any other compiler argument (repeatable)
  --expected FILE        expected stdout
  --actual FILE          write what the cells printed here
  --print-cells          print the cells as they would be fed, and exit
  --check-cells FILE     compare that listing with FILE (no clang-repl needed), and exit
  --ignore-marks         one cell per statement of main() even where `// ---` marks group them
  --timings              print how long each cell took (the first one includes starting clang-repl)
  --fail-on-warnings     compiler warnings fail the run
  --timeout SECONDS      give up after this long (default 600)
"""

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import threading
import time

# ---- A small C++ lexer: enough to split top-level declarations and statements ---------------------------------

_RAW_PREFIXES = {"R", "u8R", "uR", "UR", "LR"}
_STRING_PREFIXES = {"u8", "u", "U", "L"}
_OPEN = "([{"
_CLOSE = ")]}"


class Token:
    __slots__ = ("kind", "text", "start", "end", "line", "pp", "space_before", "newline_before")

    def __init__(self, kind, text, start, end, line, pp):
        self.kind = kind  # id, num, str, chr, punct, comment, pp_hash
        self.text = text
        self.start = start
        self.end = end
        self.line = line
        self.pp = pp  # index of the preprocessor directive this token belongs to, or None
        self.space_before = False
        self.newline_before = False

    def __repr__(self):
        return "Token(%s %r line %d)" % (self.kind, self.text, self.line)


class SplitError(Exception):
    pass


def lex(src):
    """Returns the tokens of src (comments included, whitespace not)."""
    tokens = []
    i, n, line = 0, len(src), 1
    at_line_start = True  # only whitespace so far on this line
    pp = None  # index of the current directive
    pp_count = 0
    space = False
    newline = False

    def add(kind, start, end):
        tok = Token(kind, src[start:end], start, end, line, pp)
        tok.space_before = space
        tok.newline_before = newline
        tokens.append(tok)

    while i < n:
        c = src[i]
        if c == "\\" and src.startswith("\n", i + 1):  # line splice
            i += 2
            line += 1
            space = True
            continue
        if c == "\n":
            i += 1
            line += 1
            at_line_start = True
            pp = None
            space = newline = True
            continue
        if c in " \t\r\f\v":
            i += 1
            space = True
            continue
        start, start_line = i, line
        if src.startswith("//", i):
            j = i
            while j < n and src[j] != "\n":
                if src[j] == "\\" and src.startswith("\n", j + 1):
                    raise SplitError("line %d: a // comment continued with a backslash" % line)
                j += 1
            add("comment", start, j)
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            if j < 0:
                raise SplitError("line %d: unterminated /* comment" % line)
            line += src.count("\n", i, j)
            tok = Token("comment", src[i:j + 2], i, j + 2, start_line, pp)
            tok.space_before, tok.newline_before = space, newline
            tokens.append(tok)
            i = j + 2
        elif c == "#" and at_line_start:
            pp = pp_count
            pp_count += 1
            add("pp_hash", i, i + 1)
            i += 1
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            word = src[i:j]
            if j < n and src[j] == '"' and word in _RAW_PREFIXES:
                m = re.compile(r'"([^()\\\s]{0,16})\(').match(src, j)
                if not m:
                    raise SplitError("line %d: malformed raw string literal" % line)
                close = ")" + m.group(1) + '"'
                k = src.find(close, m.end())
                if k < 0:
                    raise SplitError("line %d: unterminated raw string literal" % line)
                k += len(close)
                if "\n" in src[i:k]:
                    raise SplitError("line %d: a raw string literal spanning lines cannot be fed to clang-repl, "
                                     "which reads one line per input" % line)
                i = _suffix_end(src, k)
                add("str", start, i)
            elif j < n and src[j] in "\"'" and word in _STRING_PREFIXES:
                i = _quoted_end(src, j, line)
                add("str" if src[j] == '"' else "chr", start, i)
            else:
                i = j
                add("id", start, i)
        elif c.isdigit() or (c == "." and i + 1 < n and src[i + 1].isdigit()):
            j = i + 1
            while j < n:
                if src[j] in "eEpP" and j + 1 < n and src[j + 1] in "+-":
                    j += 2
                elif src[j].isalnum() or src[j] in "_.":
                    j += 1
                elif src[j] == "'" and j + 1 < n and src[j + 1].isalnum():  # digit separator
                    j += 2
                else:
                    break
            i = j
            add("num", start, i)
        elif c in "\"'":
            i = _quoted_end(src, i, line)
            add("str" if c == '"' else "chr", start, i)
        else:
            i += 1
            add("punct", start, i)
        at_line_start = False
        space = newline = False
    return tokens


def _quoted_end(src, i, line):
    quote = src[i]
    j = i + 1
    while j < len(src):
        if src[j] == "\\":
            j += 2
            continue
        if src[j] == quote:
            return _suffix_end(src, j + 1)
        if src[j] == "\n":
            break
        j += 1
    raise SplitError("line %d: unterminated %s literal" % (line, "string" if quote == '"' else "character"))


def _suffix_end(src, j):  # user-defined literal suffix: "abc"s, "x"_sv
    while j < len(src) and (src[j].isalnum() or src[j] == "_"):
        j += 1
    return j


# ---- Splitting into cells -------------------------------------------------------------------------------------

MARK_RE = re.compile(r"^//\s*---+\s*(.*?)\s*-*\s*$")
_CONTINUES_AFTER_BRACE_SAME_LINE = set("().,-+*/%<>=!&|^?:[")


class Cell:
    def __init__(self, kind, tokens, src, title=None):
        self.kind = kind  # "pp", "decl", "stmt"
        self.tokens = tokens
        self.title = title
        self.line = tokens[0].line if tokens else 0
        self.text = _dedent(src[tokens[0].start:tokens[-1].end], src, tokens[0].start) if tokens else ""

    def code(self):
        """The cell's source, verbatim from its first token to its last (comments inside kept)."""
        return self.text

    def one_line(self):
        """The cell on one line: comments dropped, each run of whitespace one space (for reports)."""
        out = []
        gap = False
        for tok in self.tokens:
            if tok.kind == "comment":
                gap = True
                continue
            if out and (gap or tok.space_before or tok.newline_before):
                out.append(" ")
            out.append(tok.text)
            gap = False
        return "".join(out)

    def describe(self):
        text = self.one_line()
        if len(text) > 70:
            text = text[:67] + "..."
        where = "line %d" % self.line
        return "%s%s: %s" % (where, " [%s]" % self.title if self.title else "", text)


def _dedent(text, src, start):
    """Takes off the indentation of the first line (that of main()'s body) from every line."""
    line_start = src.rfind("\n", 0, start) + 1
    indent = src[line_start:start]
    if not indent.strip() and indent:
        lines = text.split("\n")
        text = "\n".join([lines[0]] + [l[len(indent):] if l.startswith(indent) else l for l in lines[1:]])
    return text


def _is(tok, text):
    return tok is not None and tok.kind in ("punct", "id") and tok.text == text


def split_items(tokens, where):
    """Splits a token list into top-level items (declarations or statements) and marks.

    Returns a list whose entries are either ("item", [tokens]) or ("mark", title, line)."""
    out = []
    cur = []
    depth = 0
    pending = None  # None, ";" or "}": the item may end before the next token
    k = 0

    def finish():
        nonlocal cur, pending
        if cur:
            out.append(("item", cur))
        cur = []
        pending = None

    while k < len(tokens):
        tok = tokens[k]
        k += 1
        if tok.kind == "comment":
            m = MARK_RE.match(tok.text) if tok.text.startswith("//") and depth == 0 else None
            if m:
                if cur and depth == 0 and pending:
                    finish()
                if cur:
                    raise SplitError("line %d: cell mark '%s' inside a statement (%s)"
                                     % (tok.line, tok.text, where))
                out.append(("mark", m.group(1) or None, tok.line))
            elif cur:
                cur.append(tok)
            continue
        if tok.pp is not None:
            if cur and pending:
                finish()
            if cur:
                raise SplitError("line %d: preprocessor directive inside a declaration or statement (%s)"
                                 % (tok.line, where))
            directive = [tok]
            while k < len(tokens) and tokens[k].pp == tok.pp:
                if tokens[k].kind != "comment":
                    directive.append(tokens[k])
                k += 1
            name = directive[1].text if len(directive) > 1 else ""
            if name in ("if", "ifdef", "ifndef"):  # the whole conditional block is one cell
                nesting = 1
                while nesting and k < len(tokens):
                    t = tokens[k]
                    directive.append(t)
                    k += 1
                    if t.kind == "pp_hash":
                        word = tokens[k].text if k < len(tokens) and tokens[k].pp == t.pp else ""
                        nesting += 1 if word in ("if", "ifdef", "ifndef") else -1 if word == "endif" else 0
                while k < len(tokens) and tokens[k].pp is not None and tokens[k].pp == directive[-1].pp:
                    directive.append(tokens[k])
                    k += 1
                if nesting:
                    raise SplitError("line %d: #%s without its #endif" % (tok.line, name))
            out.append(("pp", directive))
            continue
        if pending:
            first = cur[0]
            if tok.kind == "id" and tok.text == "else":
                pending = None
            elif tok.kind == "id" and tok.text == "while" and first.text == "do":
                pending = None
            elif pending == "}" and tok.kind == "id" and tok.text == "catch":
                pending = None
            elif pending == "}" and _is(tok, ";"):
                cur.append(tok)
                finish()
                continue
            elif pending == "}" and _is_class_definition(cur):
                pending = None  # struct S { ... } s;  -- goes on to the ';'
            elif (pending == "}" and not tok.newline_before and tok.kind == "punct"
                  and tok.text in _CONTINUES_AFTER_BRACE_SAME_LINE):
                pending = None  # [&] { ... }();  or  x = T{1} + y;
            else:
                finish()
        cur.append(tok)
        if tok.kind == "punct":
            if tok.text in _OPEN:
                depth += 1
            elif tok.text in _CLOSE:
                depth -= 1
                if depth < 0:
                    raise SplitError("line %d: unbalanced '%s' (%s)" % (tok.line, tok.text, where))
                if depth == 0 and tok.text == "}":
                    pending = "}"
            elif tok.text == ";" and depth == 0:
                pending = ";"
    if depth != 0:
        raise SplitError("unbalanced brackets at the end of %s" % where)
    finish()
    return out


def _is_class_definition(item):
    """struct/class/union/enum X ... { ... }: a definition that needs its ';' (unlike a function's body)."""
    for tok in item:
        if tok.kind == "punct" and tok.text in "({=":
            return False
        if tok.kind == "id" and tok.text in ("struct", "class", "union", "enum"):
            return True
    return False


def _main_body(item):
    """If item is the definition of main(), returns its body's tokens (without the braces), else None."""
    for k in range(len(item) - 1):
        if item[k].kind == "id" and item[k].text == "main" and _is(item[k + 1], "("):
            if k > 1 and _is(item[k - 1], ":") and _is(item[k - 2], ":"):
                return None  # X::main(...)
            if not _is(item[-1], "}"):
                return None  # a declaration of main, or something else
            depth = 0
            for j in range(k + 1, len(item)):
                t = item[j]
                if t.kind == "punct" and t.text in _OPEN:
                    if t.text == "{" and depth == 0:
                        return item[j + 1:-1]
                    depth += 1
                elif t.kind == "punct" and t.text in _CLOSE:
                    depth -= 1
            return None
    return None


def split_program(src, use_marks=True):
    """Returns the cells of a program: top-level items first, then main's statements (or marked groups)."""
    tokens = lex(src)
    top = split_items(tokens, "the top level")
    cells = []
    body = None
    for entry in top:
        if entry[0] == "pp":
            cells.append(Cell("pp", entry[1], src))
        elif entry[0] == "item":
            main_body = _main_body(entry[1])
            if main_body is not None:
                if body is not None:
                    raise SplitError("two definitions of main()")
                body = main_body
            else:
                cells.append(Cell("decl", entry[1], src))
    if body is None:
        raise SplitError("no main() found")
    stmts = split_items(body, "main()")
    # A final `return ...;` ends main; at the top level of a REPL it means nothing (and does not compile).
    items = [e for e in stmts if e[0] == "item"]
    if items and items[-1][1][0].kind == "id" and items[-1][1][0].text == "return":
        stmts.remove(items[-1])
    for e in stmts:
        if e[0] == "item" and e[1][0].kind == "id" and e[1][0].text == "return":
            raise SplitError("line %d: a return in the middle of main() cannot run cell by cell" % e[1][0].line)
        if e[0] == "pp":
            raise SplitError("line %d: preprocessor directive inside main()" % e[1][0].line)
    if use_marks and any(e[0] == "mark" for e in stmts):
        group, title = [], None
        for e in stmts:
            if e[0] == "mark":
                if group:
                    cells.append(Cell("stmt", group, src, title))
                group, title = [], e[1]
            else:
                group.extend(e[1])
        if group:
            cells.append(Cell("stmt", group, src, title))
    else:
        cells.extend(Cell("stmt", e[1], src) for e in stmts if e[0] == "item")
    return cells


# ---- Running the cells in clang-repl --------------------------------------------------------------------------

MARK_PREFIX = "\x1e[run_in_repl cell "
MARK_RE_OUT = re.compile(re.escape(MARK_PREFIX) + r"(\d+)\]\n")
DIAG_RE = re.compile(r"(?m)^(?:\S.*?:\d+:\d+: |)(fatal error|error|warning):")


def find_clang_repl(explicit):
    for candidate in (explicit, os.environ.get("CLANG_REPL"), shutil.which("clang-repl-19"),
                      "/usr/lib/llvm-19/bin/clang-repl"):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def mark_statement(index):
    # Flushes what the cell printed (std::cout is synchronized with stdio by default) and prints the mark on
    # both streams. Needs <cstdio>, which the harness includes before the first cell.
    text = "%s%d]\\n" % (MARK_PREFIX.replace("\x1e", "\\x1e"), index)
    return ('std::fflush(nullptr), std::fputs("%s", stdout), std::fputs("%s", stderr), std::fflush(nullptr);'
            % (text, text))


class Reader(threading.Thread):
    """Reads a stream to the end, noting when each cell mark arrived."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.data = bytearray()
        self.mark_times = {}

    def run(self):
        buffered = b""
        while True:
            chunk = self.stream.read1(65536) if hasattr(self.stream, "read1") else self.stream.read(65536)
            if not chunk:
                break
            self.data += chunk
            buffered = (buffered + chunk)[-4096:]
            for m in MARK_RE_OUT.finditer(buffered.decode("utf-8", "replace")):
                self.mark_times.setdefault(int(m.group(1)), time.monotonic())


def split_by_marks(text, count):
    """Splits a stream's text at the marks into count + 1 parts: the prelude's, then what cells 1..count printed.
    Returns (parts, the number of the last mark seen, the text after it: printed at exit, or by a cell that did
    not finish)."""
    parts = [""] * (count + 1)
    last, pos = 0, 0
    for m in MARK_RE_OUT.finditer(text):
        index = int(m.group(1))  # mark i follows cell i: what came since the previous mark is cell i's
        parts[index] += text[pos:m.start()]
        last, pos = index, m.end()
    tail = text[pos:]
    return parts, last, tail


def run_cells(clang_repl, cells, xcc, timeout):
    args = [clang_repl]
    for a in xcc:
        args += ["-Xcc", a]
    args += ["#include <cstdio>", mark_statement(0)]
    for index, cell in enumerate(cells, 1):
        args += [cell.code(), mark_statement(index)]
    started = time.monotonic()
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out_reader, err_reader = Reader(proc.stdout), Reader(proc.stderr)
    out_reader.start()
    err_reader.start()
    timed_out = False
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        proc.kill()
        proc.wait()
    out_reader.join()
    err_reader.join()
    elapsed = time.monotonic() - started
    return {
        "returncode": proc.returncode,
        "timed_out": timed_out,
        "stdout": out_reader.data.decode("utf-8", "replace"),
        "stderr": err_reader.data.decode("utf-8", "replace"),
        "mark_times": {k: v - started for k, v in out_reader.mark_times.items()},
        "elapsed": elapsed,
        "command": args[:1 + 2 * len(xcc)],
    }


def diff_text(expected, actual, expected_name):
    return "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                        fromfile=expected_name, tofile="clang-repl output"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("program")
    ap.add_argument("--clang-repl")
    ap.add_argument("-I", dest="include_dirs", action="append", default=[])
    ap.add_argument("--std", default="c++17")
    ap.add_argument("--Xcc", dest="xcc", action="append", default=[])
    ap.add_argument("--expected")
    ap.add_argument("--actual")
    ap.add_argument("--print-cells", action="store_true")
    ap.add_argument("--check-cells")
    ap.add_argument("--ignore-marks", action="store_true")
    ap.add_argument("--timings", action="store_true")
    ap.add_argument("--fail-on-warnings", action="store_true")
    ap.add_argument("--timeout", type=float, default=600)
    opts = ap.parse_args(argv)

    with open(opts.program, encoding="utf-8") as f:
        src = f.read()
    try:
        cells = split_program(src, use_marks=not opts.ignore_marks)
    except SplitError as e:
        print("run_in_repl: %s: cannot split into cells: %s" % (opts.program, e), file=sys.stderr)
        return 1

    listing = "".join("# cell %d (%s, line %d)%s\n%s\n" % (index, cell.kind, cell.line,
                                                           " [%s]" % cell.title if cell.title else "", cell.code())
                      for index, cell in enumerate(cells, 1))
    if opts.print_cells:
        sys.stdout.write(listing)
        return 0
    if opts.check_cells:
        with open(opts.check_cells, encoding="utf-8") as f:
            expected_listing = f.read()
        if listing != expected_listing:
            print("run_in_repl: FAILED: %s splits differently from %s:" % (opts.program, opts.check_cells))
            sys.stdout.write("".join(difflib.unified_diff(expected_listing.splitlines(True), listing.splitlines(True),
                                                          opts.check_cells, "split now")))
            return 1
        print("run_in_repl: OK: %s splits into the %d cells of %s" % (opts.program, len(cells), opts.check_cells))
        return 0

    clang_repl = find_clang_repl(opts.clang_repl)
    if not clang_repl:
        print("run_in_repl: no clang-repl found (give --clang-repl, set CLANG_REPL, or install Debian's "
              "clang-tools-19)", file=sys.stderr)
        return 2

    expected_path = opts.expected
    if expected_path is None:
        guess = os.path.splitext(opts.program)[0] + ".expected"
        expected_path = guess if os.path.exists(guess) else None

    xcc = ["-std=" + opts.std] + ["-I" + os.path.abspath(d) for d in opts.include_dirs] + opts.xcc
    result = run_cells(clang_repl, cells, xcc, opts.timeout)
    count = len(cells)
    out_parts, out_last, out_tail = split_by_marks(result["stdout"], count)
    err_parts, _, err_tail = split_by_marks(result["stderr"], count)
    # Diagnostics after the last mark belong to the cell that did not finish (or, if all did, came at exit).
    err_parts[min(out_last + 1, count)] += err_tail

    failures = []
    warnings = []
    print("run_in_repl: %s: %d cells through %s %s" % (opts.program, count, clang_repl, " ".join(
        "-Xcc " + a for a in xcc)))
    if err_parts[0].strip():
        failures.append("the harness's prelude (#include <cstdio>) failed:\n" + err_parts[0])
    for index, cell in enumerate(cells, 1):
        diag = err_parts[index]
        kinds = set(m.group(1) for m in DIAG_RE.finditer(diag))
        if "error" in kinds or "fatal error" in kinds:
            failures.append("cell %d (%s) failed:\n%s" % (index, cell.describe(), diag.rstrip()))
        elif "warning" in kinds:
            warnings.append("cell %d (%s) warns:\n%s" % (index, cell.describe(), diag.rstrip()))
        elif diag.strip():
            print("run_in_repl: cell %d (%s) wrote to stderr:\n%s" % (index, cell.describe(), diag.rstrip()))
    if result["timed_out"]:
        failures.append("timed out after %.0f s" % opts.timeout)
    if out_last < count and not result["timed_out"]:
        cell = cells[out_last] if out_last < count else None
        failures.append("clang-repl stopped (exit status %s) in cell %d (%s); the cells after it did not run"
                        % (result["returncode"], out_last + 1, cell.describe() if cell else "?"))
    elif result["returncode"] not in (0, None) and not failures:
        failures.append("clang-repl exited with status %s after the last cell" % result["returncode"])

    actual = "".join(out_parts[1:]) + out_tail
    if opts.actual:
        with open(opts.actual, "w", encoding="utf-8") as f:
            f.write(actual)

    # Timings: how long each cell took, from the marks' arrival; a summary line always, per cell with --timings.
    times = result["mark_times"]
    load = times.get(0)
    slow = []
    prev = load
    for index in range(1, count + 1):
        if index in times and prev is not None:
            slow.append((times[index] - prev, index))
            prev = times[index]
        else:
            prev = None
    if opts.timings:
        print("run_in_repl: clang-repl started and included <cstdio> in %s" %
              ("%.2f s" % load if load is not None else "?"))
        for index, cell in enumerate(cells, 1):
            took = next((t for t, i in slow if i == index), None)
            print("  %7s  cell %2d  %s" % ("%.2f s" % took if took is not None else "-", index,
                                             cell.describe()))
    top = sorted(slow, reverse=True)[:3]
    print("run_in_repl: %.1f s in all; slowest cells: %s" % (result["elapsed"], ", ".join(
        "%d (%.1f s)" % (i, t) for t, i in top)))

    for w in warnings:
        print("run_in_repl: warning: " + w)
    if opts.fail_on_warnings and warnings:
        failures.append("%d cell(s) gave compiler warnings (--fail-on-warnings)" % len(warnings))

    if expected_path:
        with open(expected_path, encoding="utf-8") as f:
            expected = f.read().replace("\r\n", "\n")
        if actual != expected:
            failures.append("output differs from %s:\n%s" % (expected_path, diff_text(expected, actual,
                                                                                      expected_path)))
    else:
        print("run_in_repl: no expected output to compare with; the cells printed:")
        sys.stdout.write(actual)

    if failures:
        for f in failures:
            print("run_in_repl: FAILED: " + f)
        if out_tail.strip() and out_last == count:
            print("run_in_repl: printed at exit:\n" + out_tail)
        return 1
    print("run_in_repl: OK: %s%s" % ("output matches " + expected_path if expected_path else "all cells ran",
                                     " (with %d warning(s))" % len(warnings) if warnings else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
