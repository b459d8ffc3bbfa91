import JWTAuditCore

/// `jwtaudit decode`: input -> `TokenInput.extract` -> `CompactToken.parse` -> `TokenInspection.inspect` ->
/// text or JSON. The whole output is built before anything is written, so a failure leaves stdout empty.
enum DecodeCommand {
    static func run(
        _ arguments: ParsedArguments, environment: [String: String], streams: StandardStreams, now: Int64
    ) throws(CommandFailure) -> Int32 {
        let command = OptionTable.decode
        let at = try arguments.instant(now: now, command: command)
        let inspection = TokenInspection.inspect(try TokenRequest.read(arguments, command: command, streams: streams).token, at: at)
        if arguments.has(.json) {
            streams.writeOutput(JSONWriter.write(.object(DecodeReport.json(inspection))) + "\n")
        } else {
            let style = TextStyle.resolve(arguments, streams: streams, environment: environment)
            streams.writeOutput(DecodeReport.text(inspection, style: style))
        }
        return ExitStatus.success.rawValue
    }
}
