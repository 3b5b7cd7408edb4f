/// A small, dependency-free GNU-style argument parser. The same declaration drives parsing
/// and the help text, so they can't disagree.

/// One option of a command.
struct OptionSpec: Sendable {
    /// Long name without dashes, e.g. `format`.
    let long: String
    /// Optional one-letter alias.
    let short: Character?
    /// Placeholder for the value (`FILE`); nil for a flag.
    let value: String?
    let help: String
    /// Whether the option may be given several times.
    let repeatable: Bool

    static func flag(_ long: String, _ short: Character? = nil, _ help: String) -> OptionSpec {
        OptionSpec(long: long, short: short, value: nil, help: help, repeatable: false)
    }
    static func value(_ long: String, _ short: Character? = nil, _ placeholder: String, _ help: String,
                      repeatable: Bool = false) -> OptionSpec {
        OptionSpec(long: long, short: short, value: placeholder, help: help, repeatable: repeatable)
    }

    static let format = OptionSpec.value("format", "f", "text|json", "Output format (default: text)")
}

/// A command's interface: name, synopsis, positionals and options.
struct CommandSpec: Sendable {
    let name: String
    let summary: String
    /// Positional synopsis, e.g. `PATH...`.
    let arguments: String
    let options: [OptionSpec]
    /// Longer explanation and examples for `aibom help NAME`.
    let discussion: String
    /// Bounds on the number of positionals.
    let minPositionals: Int
    let maxPositionals: Int?

    var help: String {
        var s = "Usage: aibom \(name)\(options.isEmpty ? "" : " [OPTIONS]")\(arguments.isEmpty ? "" : " " + arguments)\n\n"
        s += summary + "\n"
        if !options.isEmpty {
            s += "\nOptions:\n"
            let all = options + [.flag("help", "h", "Show this help")]
            let cols = all.map { o -> String in
                var c = o.short.map { "-\($0), " } ?? "    "
                c += "--\(o.long)"
                if let v = o.value { c += " \(v)" }
                return c
            }
            let width = min(34, (cols.map(\.count).max() ?? 0) + 2)
            for (c, o) in zip(cols, all) {
                let pad = c.count < width ? String(repeating: " ", count: width - c.count) : "\n" + String(repeating: " ", count: width + 2)
                s += "  \(c)\(pad)\(o.help)\n"
            }
        }
        if !discussion.isEmpty { s += "\n" + discussion + (discussion.hasSuffix("\n") ? "" : "\n") }
        return s
    }
}

/// A usage error: bad flags, missing arguments. Exit code 2.
struct UsageError: Error, CustomStringConvertible {
    let command: String?
    let message: String
    var description: String {
        message + (command.map { " (see 'aibom help \($0)')" } ?? " (see 'aibom --help')")
    }
}

/// The parsed command line of one command.
struct ParsedArguments {
    let command: String
    var positionals: [String] = []
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var helpRequested = false

    func flag(_ name: String) -> Bool { flags.contains(name) }
    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// The value of `--format`, checked against the formats the command offers.
    func format(_ allowed: [String] = ["text", "json"]) throws -> String {
        let f = value("format") ?? "text"
        guard allowed.contains(f) else {
            throw UsageError(command: command, message: "--format must be one of \(allowed.joined(separator: ", ")), not '\(f)'")
        }
        return f
    }

    /// The value of `name` parsed as an integer within `range`.
    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let v = value(name) else { return nil }
        guard let n = Int(v), range.contains(n) else {
            throw UsageError(command: command, message: "--\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(v)'")
        }
        return n
    }

    /// A required option.
    func required(_ name: String) throws -> String {
        guard let v = value(name) else { throw UsageError(command: command, message: "missing required option --\(name)") }
        return v
    }

    static func parse(_ args: [String], spec: CommandSpec) throws -> ParsedArguments {
        var out = ParsedArguments(command: spec.name)
        var i = 0
        var onlyPositionals = false
        func lookup(long: String) -> OptionSpec? { spec.options.first { $0.long == long } }
        func set(_ o: OptionSpec, _ v: String?) throws {
            if let v {
                if !o.repeatable, out.values[o.long] != nil {
                    throw UsageError(command: spec.name, message: "--\(o.long) given more than once")
                }
                out.values[o.long, default: []].append(v)
            } else {
                out.flags.insert(o.long)
            }
        }
        while i < args.count {
            let a = args[i]
            i += 1
            if onlyPositionals || a == "-" || !a.hasPrefix("-") {
                out.positionals.append(a)
                continue
            }
            if a == "--" { onlyPositionals = true; continue }
            if a == "--help" || a == "-h" { out.helpRequested = true; continue }
            if a.hasPrefix("--") {
                let body = a.dropFirst(2)
                let name = String(body.split(separator: "=", maxSplits: 1).first ?? "")
                let inline = body.contains("=") ? String(body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[1]) : nil
                guard let o = lookup(long: name) else {
                    throw UsageError(command: spec.name, message: "unknown option '--\(name)'")
                }
                if o.value == nil {
                    guard inline == nil else { throw UsageError(command: spec.name, message: "--\(name) takes no value") }
                    try set(o, nil)
                } else if let inline {
                    try set(o, inline)
                } else {
                    guard i < args.count else { throw UsageError(command: spec.name, message: "--\(name) needs a value (\(o.value!))") }
                    try set(o, args[i])
                    i += 1
                }
                continue
            }
            // Short options: -f VALUE, -fVALUE, or bundled flags -qv.
            var chars = Array(a.dropFirst())
            while let c = chars.first {
                chars.removeFirst()
                guard let o = spec.options.first(where: { $0.short == c }) else {
                    throw UsageError(command: spec.name, message: "unknown option '-\(c)'")
                }
                if o.value == nil { try set(o, nil); continue }
                if !chars.isEmpty {
                    try set(o, String(chars))
                } else {
                    guard i < args.count else { throw UsageError(command: spec.name, message: "-\(c) needs a value (\(o.value!))") }
                    try set(o, args[i])
                    i += 1
                }
                break
            }
        }
        if !out.helpRequested {
            if out.positionals.count < spec.minPositionals {
                throw UsageError(command: spec.name, message: "missing argument: \(spec.arguments)")
            }
            if let max = spec.maxPositionals, out.positionals.count > max {
                throw UsageError(command: spec.name, message: "unexpected argument '\(out.positionals[max])'")
            }
        }
        return out
    }
}
