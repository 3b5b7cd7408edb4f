import AIBOMDigest
import AIBOMFormats
import Foundation

/// `aibom hash PATH...`: SHA-256 of every regular file under the paths, in parallel.
enum HashCommand: Command {
    static let spec = CommandSpec(
        name: "hash",
        summary: "Print the SHA-256 of every regular file under the given paths (parallel, all cores)",
        arguments: "PATH...",
        options: [
            .format,
            .value("shard-size", nil, "SIZE", "Also digest each file as fixed-size shards (e.g. 1GiB, 64M)"),
            .value("jobs", "j", "N", "Worker threads (default: number of cores)"),
            .flag("follow-symlinks", nil, "Follow symlinks that stay inside the root (loops are detected)"),
            .value("ignore", nil, "RELPATH", "Leave out a file or directory (relative to a directory PATH)", repeatable: true),
            .flag("quiet", "q", "No warnings about skipped entries, no progress line"),
        ],
        discussion: """
        Text output is sha256sum's format (`DIGEST  PATH`), so `sha256sum -c` can check it. For
        a single directory PATH, paths are relative to it; otherwise each path starts with the
        PATH argument as given. Paths use '/', are sorted by byte order and keep their names
        as on disk. Symlinks are reported and skipped unless --follow-symlinks is given; FIFOs,
        sockets and devices are reported and never opened. A file that changes while it is
        read is an error. With --shard-size, shard lines follow each file as PATH:START:END.

        Examples:
          aibom hash samples/
          aibom hash --format json --shard-size 1GiB models/llama/
        """,
        minPositionals: 1, maxPositionals: nil)

    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode {
        let format = try args.format()
        let jobs = try args.int("jobs", in: 1...DigestLimits.maxJobs)
        var shardSize: UInt64? = nil
        if let s = args.value("shard-size") {
            guard let n = ByteCount.parse(s), n >= DigestLimits.minShardSize else {
                throw UsageError(command: "hash", message: "--shard-size must be a size in bytes (e.g. 1GiB, 64M), not '\(s)'")
            }
            shardSize = n
        }
        let walker = TreeWalker(options: WalkOptions(followSymlinks: args.flag("follow-symlinks"),
                                                     ignorePaths: args.all("ignore")))
        var entries: [WalkEntry] = []
        var shown: [String] = []
        let single = args.positionals.count == 1
        for root in args.positionals {
            let result = try walker.walk(root)
            for s in result.skipped where !args.flag("quiet") {
                console.warn(result.rootIsFile ? s.description : "\(root): \(s.description)")
            }
            for f in result.files {
                entries.append(f)
                if result.rootIsFile {
                    shown.append(root)
                } else if single {
                    shown.append(f.relativePath)
                } else {
                    shown.append(root.hasSuffix("/") ? root + f.relativePath : root + "/" + f.relativePath)
                }
            }
        }
        let engine = DigestEngine(options: HashOptions(jobs: jobs, shardSize: shardSize))
        let progress = HashProgress(total: engine.plannedBytes(entries))
        let line = ProgressLine(console: console, label: "hashing", total: progress.total) { progress.completed }
        let digests: [FileDigest]
        do {
            digests = try engine.hash(entries, progress: progress)
            line.finish()
        } catch {
            line.finish()
            throw error
        }
        // Sort by displayed path (several roots may interleave).
        let order = digests.indices.sorted { byteOrderLess(shown[$0], shown[$1]) }
        if format == "json" {
            console.json(.array(order.map { i in
                var o: [String: JSON] = [
                    "path": .string(shown[i]), "size": .int(digests[i].size), "sha256": .string(digests[i].sha256.hex),
                ]
                if let shards = digests[i].shards {
                    o["shards"] = .array(shards.map {
                        .object(["start": .int($0.start), "end": .int($0.end), "sha256": .string($0.digest.hex)])
                    })
                }
                return .object(o)
            }))
        } else {
            var text = ""
            for i in order {
                text += checksumLine(digests[i].sha256.hex, shown[i])
                for s in digests[i].shards ?? [] {
                    text += checksumLine(s.digest.hex, "\(shown[i]):\(s.start):\(s.end)")
                }
            }
            console.out(text, terminator: "")
        }
        return .success
    }

    /// A sha256sum line; names with a newline or backslash are escaped the way coreutils does.
    static func checksumLine(_ hex: String, _ path: String) -> String {
        guard path.contains("\n") || path.contains("\\") || path.contains("\r") else { return "\(hex)  \(path)\n" }
        let escaped = path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\r", with: "\\r")
        return "\\\(hex)  \(escaped)\n"
    }
}
