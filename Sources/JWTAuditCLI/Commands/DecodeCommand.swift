import JWTAuditCore

/// `jwtaudit decode`: input -> `TokenInput.extract` -> `CompactToken.parse` -> `TokenInspection.inspect` ->
/// text or JSON. The whole output is built before anything is written, so a failure leaves stdout empty.
enum DecodeCommand {
    static func run(
        _ arguments: ParsedArguments, environment: [String: String], streams: StandardStreams, now: Int64
    ) -> Int32 {
        let command = OptionTable.decode
        let at: Int64
        do {
            at = try arguments.instant(now: now, command: command)
        } catch {
            return JWTAuditCLI.fail(error, streams)
        }
        let request: TokenRequest
        switch TokenRequest.read(arguments, command: command, streams: streams) {
        case .success(let read): request = read
        case .failure(let exit): return exit.status
        }
        let inspection = TokenInspection.inspect(request.token, at: at)
        if arguments.has("json") {
            streams.writeOutput(JSONWriter.write(.object(DecodeReport.json(inspection))) + "\n")
        } else {
            let style = TextStyle.resolve(arguments, streams: streams, environment: environment)
            streams.writeOutput(DecodeReport.text(inspection, style: style))
        }
        return ExitStatus.success.rawValue
    }
}
