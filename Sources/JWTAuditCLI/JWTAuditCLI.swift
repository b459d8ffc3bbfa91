import JWTAuditCore

#if canImport(Glibc)
import Glibc
#endif

/// Entry point of the command-line front: argv in, exit status out. All I/O goes through `streams`, and the
/// clock is read here, once, so everything below it is testable in-process.
public enum JWTAuditCLI {
    public static func run(
        arguments: [String], environment: [String: String] = StandardStreams.processEnvironment(),
        streams: StandardStreams = .process(), now: Int64? = nil
    ) -> Int32 {
        let invocation: Invocation
        do {
            invocation = try CommandLineParser.parse(arguments)
        } catch {
            return report(.usage(error), streams)
        }
        switch invocation {
        case .help(let command):
            streams.writeOutput(HelpRenderer.render(command: command))
            return ExitStatus.success.rawValue
        case .version:
            streams.writeOutput(BuildInfo.versionLine + "\n")
            return ExitStatus.success.rawValue
        case .generate(let kind):
            switch kind {
            case "man": streams.writeOutput(ManPageRenderer.render())
            case "bash": streams.writeOutput(CompletionRenderer.bash())
            case "zsh": streams.writeOutput(CompletionRenderer.zsh())
            case "lint-rules": streams.writeOutput(LintRuleTableRenderer.render())
            default: streams.writeOutput(CompletionRenderer.fish())
            }
            return ExitStatus.success.rawValue
        case .run(let command, let parsed):
            let clock = now ?? Int64(time(nil))
            do throws(CommandFailure) {
                try QuietReport.checkConflicts(parsed, command: command)
                switch command {
                case OptionTable.decode:
                    return try DecodeCommand.run(parsed, environment: environment, streams: streams, now: clock)
                case OptionTable.explain:
                    return try ExplainCommand.run(parsed, environment: environment, streams: streams, now: clock)
                case OptionTable.checkPolicy:
                    return try CheckPolicyCommand.run(parsed, environment: environment, streams: streams, now: clock)
                case OptionTable.verify:
                    return try VerifyCommand.run(parsed, environment: environment, streams: streams, now: clock)
                default:
                    throw .usage(.unknownSubcommand(command), CommandSpec.topLevel)
                }
            } catch {
                return report(error, streams)
            }
        }
    }

    /// The one place a failure is said: on stderr, nothing on stdout, with its exit status. Always, `--quiet` or
    /// not: `--quiet` drops the report, never the reason a run could not give one (a CI log that shows only an
    /// exit status 2 sends people guessing).
    static func report(_ failure: CommandFailure, _ streams: StandardStreams) -> Int32 {
        streams.writeError(failure.message)
        return failure.exitStatus.rawValue
    }
}
