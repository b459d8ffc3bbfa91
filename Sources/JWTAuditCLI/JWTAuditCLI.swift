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
            return fail(error, streams)
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
            default: streams.writeOutput(CompletionRenderer.fish())
            }
            return ExitStatus.success.rawValue
        case .run(let command, let parsed):
            let clock = now ?? Int64(time(nil))
            switch command {
            case OptionTable.decode:
                return DecodeCommand.run(parsed, environment: environment, streams: streams, now: clock)
            case OptionTable.explain:
                return ExplainCommand.run(parsed, environment: environment, streams: streams, now: clock)
            case OptionTable.checkPolicy:
                return CheckPolicyCommand.run(parsed, environment: environment, streams: streams, now: clock)
            case OptionTable.verify:
                return VerifyCommand.run(parsed, environment: environment, streams: streams, now: clock)
            default:
                return fail(UsageError(.unknownSubcommand(command), command: CommandSpec.topLevel), streams)
            }
        }
    }

    static func fail(_ error: UsageError, _ streams: StandardStreams) -> Int32 {
        streams.writeError(error.rendered)
        return ExitStatus.usage.rawValue
    }

    /// `jwtaudit: error: <what> (<why>)`.
    static func fail(_ error: JWTAuditError, what: String, _ streams: StandardStreams) -> Int32 {
        streams.writeError("jwtaudit: error: \(what) (\(error.reason))\n")
        return ExitStatus(error.code).rawValue
    }
}
