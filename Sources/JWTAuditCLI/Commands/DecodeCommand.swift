import JWTAuditCore

/// `jwtaudit decode`: input -> `TokenInput.extract` -> `CompactToken.parse` -> `TokenInspection.inspect` ->
/// text or JSON. The whole output is built before anything is written, so a failure leaves stdout empty.
enum DecodeCommand {
    static func run(
        _ arguments: ParsedArguments, environment: [String: String], streams: StandardStreams, now: Int64
    ) -> Int32 {
        let command = OptionTable.decode
        var at = now
        if let text = arguments.last("at") {
            do {
                at = try NumericDate.parseTime(text)
            } catch {
                return JWTAuditCLI.fail(UsageError(.invalidValue(option: "--at", value: text, reason: error.reason), command: command), streams)
            }
        }
        let input: String
        do {
            input = try TokenSource.read(argument: arguments.positionals.first, command: command, streams: streams)
        } catch {
            switch error {
            case .usage(let usage): return JWTAuditCLI.fail(usage, streams)
            case .input(let failure): return JWTAuditCLI.fail(failure, what: "cannot read the token", streams)
            }
        }
        let token: CompactToken
        do {
            token = try CompactToken.parse(try TokenInput.extract(input))
        } catch {
            return JWTAuditCLI.fail(error, what: "cannot decode the token", streams)
        }
        let inspection = TokenInspection.inspect(token, at: at)
        if arguments.has("json") {
            streams.writeOutput(JSONWriter.write(.object(DecodeReport.json(inspection))) + "\n")
        } else {
            let style = TextStyle.resolve(
                choice: arguments.last("color"), outputIsTerminal: streams.outputIsTerminal, environment: environment)
            streams.writeOutput(DecodeReport.text(inspection, style: style))
        }
        return ExitStatus.success.rawValue
    }
}
