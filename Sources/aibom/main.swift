// aibom: the command-line front end. It parses arguments, calls the library and renders
// results; everything else lives in the AIBOM* modules.
import AIBOMFormats
import Foundation

func topLevelHelp() -> String {
    var s = """
    aibom \(version): bills of materials, signatures and scans for AI assets

    Usage: aibom COMMAND [OPTIONS] [ARGUMENTS]

    Commands:

    """
    let width = (allCommands.map { $0.spec.name.count }.max() ?? 0) + 2
    for c in allCommands {
        s += "  \(c.spec.name)\(String(repeating: " ", count: width - c.spec.name.count))\(c.spec.summary)\n"
    }
    s += """

    Global options:
      -h, --help      Show help (also: aibom help COMMAND)
      --version       Print the version

    Exit codes: 0 success, 1 a check failed (verification, finding), 2 usage or input error.
    Data goes to stdout; messages and progress to stderr. NO_COLOR disables colour.

    """
    return s
}

func runMain(_ argv: [String]) -> Int32 {
    var args = Array(argv.dropFirst())
    guard let first = args.first else {
        FileHandle.standardError.write(Data(topLevelHelp().utf8))
        return ExitCode.usage.rawValue
    }
    switch first {
    case "--help", "-h":
        print(topLevelHelp(), terminator: "")
        return 0
    case "--version", "version":
        print("aibom \(version)")
        return 0
    case "help":
        guard args.count > 1 else { print(topLevelHelp(), terminator: ""); return 0 }
        guard let c = allCommands.first(where: { $0.spec.name == args[1] }) else {
            FileHandle.standardError.write(Data("aibom: error: unknown command '\(args[1])' (see 'aibom --help')\n".utf8))
            return ExitCode.usage.rawValue
        }
        print(c.spec.help, terminator: "")
        return 0
    default: break
    }
    args.removeFirst()
    guard let command = allCommands.first(where: { $0.spec.name == first }) else {
        FileHandle.standardError.write(Data("aibom: error: unknown command '\(first)' (see 'aibom --help')\n".utf8))
        return ExitCode.usage.rawValue
    }
    do {
        let parsed = try ParsedArguments.parse(args, spec: command.spec)
        if parsed.helpRequested {
            print(command.spec.help, terminator: "")
            return 0
        }
        let console = Console(quiet: parsed.flag("quiet"))
        return try command.run(parsed, console: console).rawValue
    } catch {
        FileHandle.standardError.write(Data("aibom: error: \(oneLine(error))\n".utf8))
        return exitCode(for: error).rawValue
    }
}

/// Maps errors to exit codes, in one place. Errors mean unusable input or usage (2);
/// failed checks are values returned by commands (1), never errors.
func exitCode(for error: Error) -> ExitCode {
    error is BuildRefused || error is DemoCommand.StepFailed ? .checkFailed : .usage
}

/// An error's message on one line.
func oneLine(_ error: Error) -> String {
    String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
}

// Writes to a closed pipe must end the process quietly, not kill it with SIGPIPE mid-write.
signal(SIGPIPE, SIG_IGN)
exit(runMain(CommandLine.arguments))
