import JWTAuditCore

/// `jwtaudit decode`: input -> `TokenInput.extract` -> `CompactToken.parse` -> (a JWE: `JWEDecryptor` with the
/// `--decryption-key` files) -> `TokenInspection.inspect` -> text or JSON. The whole output is built before
/// anything is written, so a failure leaves stdout empty.
///
/// Exit status: 0 when decoded (a JWE: decrypted, or no key to decrypt it with, which shows its header only);
/// 1 when a JWE fails to decrypt or authenticate (the report then holds no plaintext); 3 when the input is not a
/// token or a key file is unusable.
enum DecodeCommand {
    static func run(
        _ arguments: ParsedArguments, environment: [String: String], streams: StandardStreams, now: Int64
    ) throws(CommandFailure) -> Int32 {
        let command = OptionTable.decode
        let at = try arguments.instant(now: now, command: command)
        let request = try TokenRequest.read(arguments, command: command, streams: streams, forReading: true)
        let token = request.token
        let inspection: TokenInspection
        var status = ExitStatus.success
        if token.kind == .jwe {
            let outcome: DecryptionOutcome
            do {
                outcome = try DecryptionKeyFiles(arguments).decrypt(token)
            } catch {
                throw .input(error, what: "cannot use the decryption key")
            }
            inspection = TokenInspection.inspect(token, decryption: outcome, at: at)
            if outcome.status == .failed { status = .rejected }
        } else {
            inspection = TokenInspection.inspect(token, at: at, signatureProblem: request.signatureProblem)
        }
        if arguments.has(.quiet) {
            // A JWE that does not decrypt is decode's one rejection (`QuietReport`).
            if status == .rejected, let outcome = inspection.decryption {
                streams.writeErrorLine(QuietReport.rejected(["decryption"], because: outcome.reason))
            }
        } else if arguments.has(.json) {
            streams.writeOutput(JSONWriter.write(.object(DecodeReport.json(inspection))) + "\n")
        } else {
            let style = TextStyle.resolve(arguments, streams: streams, environment: environment)
            streams.writeOutput(DecodeReport.text(
                inspection, style: style, layout: TextStyle.layout(arguments, streams: streams, environment: environment),
                localTime: { LocalTime.format($0, environment: environment) }))
        }
        return status.rawValue
    }
}
