"""`kefu qa check FILE`: the automatic checks of one call transcript (issue 18, point 7).

FILE holds a transcript in kefu's JSON format (``{"sentences": [{"speaker": "agent" |
"customer", "start": s, "end": s, "text": "…"}, …]}``, see kefu/quality/checks/transcript.py)
or an Aliyun or Tencent file-recognition result (``--from``, told by its shape by default;
``--agent-channel`` is the agent's track). ``--format json`` prints::

    {"hits": [{"rule": FAMILY, "sentence": i, "start": s, "text": "…"}, …], "score": N}

the default is a short Chinese listing. ``--rules RULES.json`` runs an edited rule set
instead of the default one (002 第13/17/18篇), which `kefu qa rules` prints to start
from. A file that cannot be read is refused with a Chinese message saying where (line,
column, JSON path) and exit status 2, as argparse's own refusals have; nothing touches the
database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from kefu.quality import checks

USAGE_ERROR = 2
FORMATS = ("text", "json")


class Refused(Exception):
    """Input the command cannot check; its message is for the operator."""


def _read(name: str) -> bytes:
    """The bytes of file ``name`` ("-" for standard input), or Refused."""
    try:
        if name == "-":
            return sys.stdin.buffer.read(checks.transcript.MAX_BYTES + 1)
        path = Path(name)
        if path.is_dir():
            raise Refused(_("%(file)s is a directory, not a file.") % {"file": name})
        with path.open("rb") as file:
            return file.read(checks.transcript.MAX_BYTES + 1)
    except FileNotFoundError:
        raise Refused(_("There is no file %(file)s.") % {"file": name}) from None
    except OSError as error:
        raise Refused(
            _("%(file)s cannot be read: %(reason)s.") % {"file": name, "reason": error.strerror}
        ) from None


def _channel(text: str) -> int:
    if not text.isdigit() or int(text) > 99:
        raise Refused(
            _("--agent-channel is the agent's track, a whole number such as 0 or 1, not %(text)s.")
            % {"text": text}
        )
    return int(text)


def run(options: dict[str, Any]) -> tuple[checks.CheckResult, checks.Transcript, checks.RuleSet]:
    """The check the options ask for, or Refused saying what is wrong."""
    if options["format"] not in FORMATS:
        raise Refused(_("--format is text or json, not %(text)s.") % {"text": options["format"]})
    source = options["source"]
    if source not in (checks.AUTO, *checks.SOURCES):
        raise Refused(
            _("--from is one of %(sources)s, not %(text)s.")
            % {"sources": ", ".join((checks.AUTO, *checks.SOURCES)), "text": source}
        )
    channel = _channel(options["agent_channel"])
    rules = checks.default_rules()
    if options["rules"]:
        try:
            rules = checks.read_rules(_read(options["rules"]))
        except checks.RuleSetError as error:
            raise Refused(f"{options['rules']}: {error.message}") from None
    try:
        transcript = checks.read_transcript(
            _read(options["file"]), source=source, agent_channel=channel
        )
    except checks.TranscriptError as error:
        raise Refused(f"{options['file']}: {error.message}") from None
    return checks.check(transcript, rules), transcript, rules


def as_text(
    result: checks.CheckResult, transcript: checks.Transcript, rules: checks.RuleSet
) -> str:
    """The hits one a line under the score, for the operator."""
    titles = {rule.id: rule.title for rule in rules.rules}
    speakers = {checks.AGENT: _("agent"), checks.CUSTOMER: _("customer")}
    lines = [
        _("Score %(score)s (%(hits)s hits in %(sentences)s sentences)")
        % {
            "score": result.score,
            "hits": len(result.hits),
            "sentences": len(transcript.sentences),
        }
    ]
    for hit in result.hits:
        said = transcript.sentences[hit.sentence]
        found = f"〔{hit.detail}〕" if hit.detail else ""
        lines.append(
            _("#%(number)s (%(start)s s, %(speaker)s): %(title)s%(found)s 「%(text)s」")
            % {
                "number": hit.sentence,
                "start": f"{hit.start:g}",
                "speaker": speakers.get(said.speaker, said.speaker),
                "title": titles.get(hit.rule_id, hit.rule),
                "found": found,
                "text": hit.text,
            }
        )
    return "\n".join(lines)


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # reads a file: no database, no settings to check
    help = (
        "Quality checks: `kefu qa check FILE` checks a call transcript against the rules; "
        "`kefu qa rules` prints the default rule set."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        self._refuse_in_chinese(parser)
        return parser

    def _refuse_in_chinese(self, parser: CommandParser) -> None:
        def refuse(message: str) -> NoReturn:
            self.fail(_("%(problem)s (see kefu qa check --help)") % {"problem": message})

        parser.error = refuse  # type: ignore[method-assign]

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        check = sub.add_parser(
            "check",
            help="check one call transcript (kefu JSON, or an Aliyun or Tencent result)",
            called_from_command_line=getattr(parser, "called_from_command_line", None),
        )
        self._refuse_in_chinese(check)
        check.add_argument("file", help="the transcript's JSON file, or - for standard input")
        check.add_argument("--format", default="text", help="text (default) or json")
        check.add_argument(
            "--from",
            dest="source",
            default=checks.AUTO,
            help="auto (default: told by its shape), kefu, aliyun or tencent",
        )
        check.add_argument(
            "--agent-channel",
            default="0",
            help="with an Aliyun or Tencent result: the agent's track (default 0)",
        )
        check.add_argument("--rules", help="a rule set's JSON file instead of the default rules")
        rules = sub.add_parser(
            "rules",
            help="print the default rule set's JSON, to edit and give to --rules",
            called_from_command_line=getattr(parser, "called_from_command_line", None),
        )
        self._refuse_in_chinese(rules)

    def fail(self, message: object) -> NoReturn:
        self.stderr.write(f"kefu qa check: {message}")
        raise SystemExit(USAGE_ERROR)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rules":
            self.stdout.write(checks.rules.dumps(checks.default_rules()))
            return
        try:
            result, transcript, rules = run(options)
        except Refused as refused:
            self.fail(refused)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(as_text(result, transcript, rules))
