# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_pathways_global_optspecs
    string join \n root= color= h/help V/version
end

function __fish_pathways_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_pathways_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_pathways_using_subcommand
    set -l cmd (__fish_pathways_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c pathways -n "__fish_pathways_needs_command" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_needs_command" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_needs_command" -s h -l help -d 'Print help'
complete -c pathways -n "__fish_pathways_needs_command" -s V -l version -d 'Print version'
complete -c pathways -n "__fish_pathways_needs_command" -f -a "check" -d 'Check the directory and rules: every problem, with where and how to fix it'
complete -c pathways -n "__fish_pathways_needs_command" -f -a "refer" -d 'Where to refer for a situation: the services, why, and how to refer'
complete -c pathways -n "__fish_pathways_needs_command" -f -a "explain" -d 'Why each service is or is not referred to: the parts of each pathway that held or failed'
complete -c pathways -n "__fish_pathways_needs_command" -f -a "diff" -d 'What a change does: every situation whose referrals differ between two versions'
complete -c pathways -n "__fish_pathways_needs_command" -f -a "test" -d 'Run the golden tests in `tests/golden/*.yaml`: PASS/FAIL per case, snapshots, coverage'
complete -c pathways -n "__fish_pathways_needs_command" -f -a "build" -d 'Build the static site: the finder, the directory, the pathway map and search'
complete -c pathways -n "__fish_pathways_needs_command" -f -a "serve" -d 'Preview the site on this computer, rebuilding it whenever a file changes'
complete -c pathways -n "__fish_pathways_needs_command" -f -a "fmt" -d 'Rewrite rule files in the one canonical layout (comments and blank lines kept)'
complete -c pathways -n "__fish_pathways_needs_command" -f -a "schema" -d 'Write the JSON Schemas of the directory and scenario files (for editors) into a folder'
complete -c pathways -n "__fish_pathways_needs_command" -f -a "export" -d 'Export the directory in another format'
complete -c pathways -n "__fish_pathways_needs_command" -f -a "new" -d 'Make a new area in DIR: a directory, rules, golden tests and the site\'s templates to start from'
complete -c pathways -n "__fish_pathways_needs_command" -f -a "completions" -d 'Print a shell completion script (e.g. `pathways completions bash > ~/.local/share/bash-completion/completions/pathways`)'
complete -c pathways -n "__fish_pathways_needs_command" -f -a "man" -d 'Print the man page (roff), e.g. `pathways man > pathways.1`, or write every page'
complete -c pathways -n "__fish_pathways_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pathways -n "__fish_pathways_using_subcommand check" -l as-of -d 'Check as of this date (YYYY-MM-DD) instead of the area\'s pinned `as_of` (or today)' -r
complete -c pathways -n "__fish_pathways_using_subcommand check" -l format -d 'Output format' -r -f -a "text\t'Diagnostics with the source line marked, for people'
json\t'A JSON document with every diagnostic and its location'
github\t'GitHub Actions workflow annotations on the offending lines'"
complete -c pathways -n "__fish_pathways_using_subcommand check" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand check" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_using_subcommand check" -l deny-warnings -d 'Fail (exit 1) on warnings too'
complete -c pathways -n "__fish_pathways_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pathways -n "__fish_pathways_using_subcommand refer" -s a -l answer -d 'An answer, as QUESTION=VALUE (repeatable); unanswered questions are left open' -r
complete -c pathways -n "__fish_pathways_using_subcommand refer" -l as-of -d 'Check as of this date (YYYY-MM-DD) instead of the area\'s pinned `as_of` (or today)' -r
complete -c pathways -n "__fish_pathways_using_subcommand refer" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c pathways -n "__fish_pathways_using_subcommand refer" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand refer" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_using_subcommand refer" -s h -l help -d 'Print help'
complete -c pathways -n "__fish_pathways_using_subcommand explain" -s a -l answer -d 'An answer, as QUESTION=VALUE (repeatable); unanswered questions are left open' -r
complete -c pathways -n "__fish_pathways_using_subcommand explain" -l as-of -d 'Check as of this date (YYYY-MM-DD) instead of the area\'s pinned `as_of` (or today)' -r
complete -c pathways -n "__fish_pathways_using_subcommand explain" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c pathways -n "__fish_pathways_using_subcommand explain" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand explain" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_using_subcommand explain" -s h -l help -d 'Print help'
complete -c pathways -n "__fish_pathways_using_subcommand diff" -l as-of -d 'Check as of this date (YYYY-MM-DD) instead of the area\'s pinned `as_of` (or today)' -r
complete -c pathways -n "__fish_pathways_using_subcommand diff" -l format -d 'Output format' -r -f -a "text\t'For people, in the terminal'
markdown\t'A report fit for a pull-request comment'
json\t'The same data as JSON'"
complete -c pathways -n "__fish_pathways_using_subcommand diff" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand diff" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_using_subcommand diff" -l exit-code -d 'Exit with 1 when anything changed (for CI)'
complete -c pathways -n "__fish_pathways_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pathways -n "__fish_pathways_using_subcommand test" -l as-of -d 'Check as of this date (YYYY-MM-DD) instead of the area\'s pinned `as_of` (or today)' -r
complete -c pathways -n "__fish_pathways_using_subcommand test" -l filter -d 'Run only the cases whose name contains TEXT, or that have the tag TEXT' -r
complete -c pathways -n "__fish_pathways_using_subcommand test" -l min-coverage -d 'Fail (exit 1) when pathway or condition-part coverage is below P percent' -r
complete -c pathways -n "__fish_pathways_using_subcommand test" -l format -d 'Output format' -r -f -a "text\t'PASS/FAIL per case, with expected and actual side by side'
json\t'A JSON document with every case, its results and coverage'
junit\t'JUnit XML, for CI systems'
github\t'GitHub Actions annotations on each failing case'"
complete -c pathways -n "__fish_pathways_using_subcommand test" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand test" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_using_subcommand test" -l snapshot -d 'Also compare each case\'s full result with its snapshot (`NAME.snap.yaml` beside the scenario file), recording cases that have none yet'
complete -c pathways -n "__fish_pathways_using_subcommand test" -l bless -d 'Accept the current results as the snapshots (implies `--snapshot`)'
complete -c pathways -n "__fish_pathways_using_subcommand test" -l coverage -d 'Print which pathways and parts of their conditions no case exercised'
complete -c pathways -n "__fish_pathways_using_subcommand test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pathways -n "__fish_pathways_using_subcommand build" -l out -d 'Where to write the site (relative to the current directory, not `--root`); replaced whole, and only when the build succeeds' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand build" -l as-of -d 'Check as of this date (YYYY-MM-DD) instead of the area\'s pinned `as_of` (or today)' -r
complete -c pathways -n "__fish_pathways_using_subcommand build" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand build" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_using_subcommand build" -l no-finder -d 'Leave out the pathway finder: the site has the directory, the pathways in words and search. For rules whose finder is too large to publish (`finder-too-large`), such as a national directory\'s'
complete -c pathways -n "__fish_pathways_using_subcommand build" -s h -l help -d 'Print help'
complete -c pathways -n "__fish_pathways_using_subcommand serve" -l port -d 'The port to listen on, on 127.0.0.1 only (0 picks a free one)' -r
complete -c pathways -n "__fish_pathways_using_subcommand serve" -l as-of -d 'Check as of this date (YYYY-MM-DD) instead of the area\'s pinned `as_of` (or today)' -r
complete -c pathways -n "__fish_pathways_using_subcommand serve" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand serve" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_using_subcommand serve" -l no-finder -d 'Leave out the pathway finder: the site has the directory, the pathways in words and search. For rules whose finder is too large to publish (`finder-too-large`), such as a national directory\'s'
complete -c pathways -n "__fish_pathways_using_subcommand serve" -s h -l help -d 'Print help'
complete -c pathways -n "__fish_pathways_using_subcommand fmt" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand fmt" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_using_subcommand fmt" -l check -d 'Change nothing: list each file that would change, with a diff, and exit 1'
complete -c pathways -n "__fish_pathways_using_subcommand fmt" -s h -l help -d 'Print help'
complete -c pathways -n "__fish_pathways_using_subcommand schema" -l out -d 'The folder to write `*.schema.json` into (made if missing)' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand schema" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand schema" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_using_subcommand schema" -s h -l help -d 'Print help'
complete -c pathways -n "__fish_pathways_using_subcommand export; and not __fish_seen_subcommand_from hsds help" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand export; and not __fish_seen_subcommand_from hsds help" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_using_subcommand export; and not __fish_seen_subcommand_from hsds help" -s h -l help -d 'Print help'
complete -c pathways -n "__fish_pathways_using_subcommand export; and not __fish_seen_subcommand_from hsds help" -f -a "hsds" -d 'The directory as HSDS 3.0 (Open Referral UK) JSON, in the static API layout'
complete -c pathways -n "__fish_pathways_using_subcommand export; and not __fish_seen_subcommand_from hsds help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pathways -n "__fish_pathways_using_subcommand export; and __fish_seen_subcommand_from hsds" -l out -d 'The folder to write (replaced whole, atomically)' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand export; and __fish_seen_subcommand_from hsds" -l as-of -d 'Check as of this date (YYYY-MM-DD) instead of the area\'s pinned `as_of` (or today)' -r
complete -c pathways -n "__fish_pathways_using_subcommand export; and __fish_seen_subcommand_from hsds" -l per-page -d 'Services per page of `services/index.json` and its `services/page-N.json`' -r
complete -c pathways -n "__fish_pathways_using_subcommand export; and __fish_seen_subcommand_from hsds" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand export; and __fish_seen_subcommand_from hsds" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_using_subcommand export; and __fish_seen_subcommand_from hsds" -s h -l help -d 'Print help'
complete -c pathways -n "__fish_pathways_using_subcommand export; and __fish_seen_subcommand_from help" -f -a "hsds" -d 'The directory as HSDS 3.0 (Open Referral UK) JSON, in the static API layout'
complete -c pathways -n "__fish_pathways_using_subcommand export; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pathways -n "__fish_pathways_using_subcommand new" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand new" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_using_subcommand new" -l force -d 'Add the area\'s files to a folder that is not empty. A file that is already there is never replaced: if any is, nothing is written'
complete -c pathways -n "__fish_pathways_using_subcommand new" -s h -l help -d 'Print help'
complete -c pathways -n "__fish_pathways_using_subcommand completions" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand completions" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_using_subcommand completions" -s h -l help -d 'Print help'
complete -c pathways -n "__fish_pathways_using_subcommand man" -l out -d 'Write `pathways.1` and a page for each command into this folder instead' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand man" -l root -d 'The area root: the folder holding `directory/` and `rules/`' -r -F
complete -c pathways -n "__fish_pathways_using_subcommand man" -l color -d 'When to colour terminal output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c pathways -n "__fish_pathways_using_subcommand man" -s h -l help -d 'Print help'
complete -c pathways -n "__fish_pathways_using_subcommand help; and not __fish_seen_subcommand_from check refer explain diff test build serve fmt schema export new completions man help" -f -a "check" -d 'Check the directory and rules: every problem, with where and how to fix it'
complete -c pathways -n "__fish_pathways_using_subcommand help; and not __fish_seen_subcommand_from check refer explain diff test build serve fmt schema export new completions man help" -f -a "refer" -d 'Where to refer for a situation: the services, why, and how to refer'
complete -c pathways -n "__fish_pathways_using_subcommand help; and not __fish_seen_subcommand_from check refer explain diff test build serve fmt schema export new completions man help" -f -a "explain" -d 'Why each service is or is not referred to: the parts of each pathway that held or failed'
complete -c pathways -n "__fish_pathways_using_subcommand help; and not __fish_seen_subcommand_from check refer explain diff test build serve fmt schema export new completions man help" -f -a "diff" -d 'What a change does: every situation whose referrals differ between two versions'
complete -c pathways -n "__fish_pathways_using_subcommand help; and not __fish_seen_subcommand_from check refer explain diff test build serve fmt schema export new completions man help" -f -a "test" -d 'Run the golden tests in `tests/golden/*.yaml`: PASS/FAIL per case, snapshots, coverage'
complete -c pathways -n "__fish_pathways_using_subcommand help; and not __fish_seen_subcommand_from check refer explain diff test build serve fmt schema export new completions man help" -f -a "build" -d 'Build the static site: the finder, the directory, the pathway map and search'
complete -c pathways -n "__fish_pathways_using_subcommand help; and not __fish_seen_subcommand_from check refer explain diff test build serve fmt schema export new completions man help" -f -a "serve" -d 'Preview the site on this computer, rebuilding it whenever a file changes'
complete -c pathways -n "__fish_pathways_using_subcommand help; and not __fish_seen_subcommand_from check refer explain diff test build serve fmt schema export new completions man help" -f -a "fmt" -d 'Rewrite rule files in the one canonical layout (comments and blank lines kept)'
complete -c pathways -n "__fish_pathways_using_subcommand help; and not __fish_seen_subcommand_from check refer explain diff test build serve fmt schema export new completions man help" -f -a "schema" -d 'Write the JSON Schemas of the directory and scenario files (for editors) into a folder'
complete -c pathways -n "__fish_pathways_using_subcommand help; and not __fish_seen_subcommand_from check refer explain diff test build serve fmt schema export new completions man help" -f -a "export" -d 'Export the directory in another format'
complete -c pathways -n "__fish_pathways_using_subcommand help; and not __fish_seen_subcommand_from check refer explain diff test build serve fmt schema export new completions man help" -f -a "new" -d 'Make a new area in DIR: a directory, rules, golden tests and the site\'s templates to start from'
complete -c pathways -n "__fish_pathways_using_subcommand help; and not __fish_seen_subcommand_from check refer explain diff test build serve fmt schema export new completions man help" -f -a "completions" -d 'Print a shell completion script (e.g. `pathways completions bash > ~/.local/share/bash-completion/completions/pathways`)'
complete -c pathways -n "__fish_pathways_using_subcommand help; and not __fish_seen_subcommand_from check refer explain diff test build serve fmt schema export new completions man help" -f -a "man" -d 'Print the man page (roff), e.g. `pathways man > pathways.1`, or write every page'
complete -c pathways -n "__fish_pathways_using_subcommand help; and not __fish_seen_subcommand_from check refer explain diff test build serve fmt schema export new completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pathways -n "__fish_pathways_using_subcommand help; and __fish_seen_subcommand_from export" -f -a "hsds" -d 'The directory as HSDS 3.0 (Open Referral UK) JSON, in the static API layout'
