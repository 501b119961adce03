"""README.md's "Commands" section is the CLI: every option a command takes is listed, and every option
listed exists.

A command's options are those of its own row in the command table plus the common options whose
"taken by" cell names it. The CLI side is every command's ``--help`` (rendered, and its parameters read
from the same click command). When this fails, the message says which line of README.md to change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from rnacorpus.cli import _register, app

README = Path(__file__).resolve().parents[2] / "README.md"
_OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def cli_commands() -> dict[str, Any]:
    """``"genes map"`` → its click command, for every leaf command of the app."""
    _register()
    root = typer.main.get_command(app)

    def walk(command: Any, path: list[str]) -> Iterator[tuple[str, Any]]:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in sorted(subcommands.items()):
                yield from walk(sub, [*path, name])
        else:
            yield " ".join(path), command

    return dict(walk(root, []))


def option_names(command: Any) -> dict[str, set[str]]:
    """The command's options, each as its primary name → every name it answers to (``-v``, ``--verbose``)."""
    names: dict[str, set[str]] = {}
    for param in command.params:
        if param.param_type_name == "option" and not param.hidden:
            spelled = [*param.opts, *param.secondary_opts]
            names[max(spelled, key=len)] = set(spelled)
    return names


def usage(command: Any, primary: str) -> str:
    """How the README should spell an option: ``[--report]`` for a flag, ``[--port VALUE]`` otherwise."""
    param = next(p for p in command.params if primary in [*getattr(p, "opts", []), *getattr(p, "secondary_opts", [])])
    takes_value = not (param.is_flag or param.count)
    return f"[{primary} {(param.metavar or 'VALUE').upper()}]" if takes_value else f"[{primary}]"


def readme_section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("## Commands", 1)[1].split("\n## ", 1)[0]


def table_rows(section: str, first_header: str) -> list[list[str]]:
    """The body rows of the Markdown table whose first header cell is ``first_header``."""
    rows: list[list[str]] = []
    inside = False
    for line in section.splitlines():
        if line.startswith(f"| {first_header} |"):
            inside = True
            continue
        if inside and line.startswith("|---"):
            continue
        if inside and line.startswith("|"):
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
            rows.append(cells)
        elif inside:
            break
    return rows


def readme_options(commands: list[str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Options the README gives each command: from its own rows, and from the common-options table."""
    section = readme_section()
    own: dict[str, set[str]] = {name: set() for name in commands}
    for cells in table_rows(section, "command"):
        spelled = cells[0].strip("`")
        assert spelled.startswith("rnacorpus "), f"README command table: row {cells[0]!r} does not start with rnacorpus"
        words = spelled.split()[1:]
        name = next((c for c in sorted(commands, key=len, reverse=True) if words[: len(c.split())] == c.split()), None)
        assert name is not None, f"README command table names a command the CLI lacks: {spelled!r}"
        own[name] |= {o.replace("-vv", "-v") for o in _OPTION.findall(spelled)}
    common: dict[str, set[str]] = {name: set() for name in commands}
    for cells in table_rows(section, "common option"):
        options = {o.replace("-vv", "-v") for o in _OPTION.findall(cells[0])}
        for taker in (t.strip() for t in cells[2].split(",")):
            assert taker in common, f"README common options: {cells[0]} names {taker!r}, not a command"
            common[taker] |= options
    return own, common


def test_every_command_renders_its_help() -> None:
    runner = CliRunner()
    for name, command in cli_commands().items():
        done = runner.invoke(app, [*name.split(), "--help"])
        assert done.exit_code == 0, (name, done.output)
        for primary in option_names(command):
            assert primary in done.output, f"`rnacorpus {name} --help` does not show {primary}"


def test_the_readme_lists_exactly_the_options_each_command_takes() -> None:
    commands = cli_commands()
    own, common = readme_options(list(commands))
    problems: list[str] = []
    for name, command in commands.items():
        listed = own[name] | common[name]
        actual = option_names(command)
        for primary, spelled in sorted(actual.items()):
            if not spelled & listed:
                problems.append(
                    f"`rnacorpus {name}` takes {primary} (see `rnacorpus {name} --help`) but README.md does not say "
                    f"so: add `{usage(command, primary)}` to the `rnacorpus {name} …` row of "
                    f"the command table under '## Commands', or add `{name}` to the 'taken by' cell of {primary} "
                    "in the common-options table below it"
                )
        known = set().union(*actual.values()) | {"--help"}
        for option in sorted(own[name] - known):
            problems.append(
                f"README.md's `rnacorpus {name} …` row lists {option}, which `rnacorpus {name}` does not take: "
                "remove it from that row (or add the option to the command)"
            )
        for option in sorted(common[name] - known):
            problems.append(
                f"README.md's common-options table says `{name}` takes {option}, which it does not: remove "
                f"`{name}` from that option's 'taken by' cell"
            )
    assert not problems, "README.md is out of step with the CLI:\n- " + "\n- ".join(problems)


def test_the_root_options_are_documented() -> None:
    section = readme_section()
    assert "rnacorpus --version" in section and "`--help`" in section


@pytest.mark.parametrize("command", ["migrate", "genes map", "units detect"])
def test_commands_with_a_subpath_or_added_late_have_a_row(command: str) -> None:
    own, _ = readme_options(list(cli_commands()))
    assert command in own and f"`rnacorpus {command}" in readme_section()
