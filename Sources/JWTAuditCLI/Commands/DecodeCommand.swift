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
        if arguments.has(.batch) { return try DecodeBatch.run(arguments, environment: environment, streams: streams, now: now) }
        if arguments.has(.summary) {
            throw .usage(.invalidCombination("--summary summarizes a --batch run: give --batch"), command)
        }
        _ = try BatchSession.jobs(arguments, command: command)  // --jobs without --batch is a usage error
        let choice = try AtChoice.parse(arguments, now: now, command: command)
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
            let at = try instant(choice, claims: token.opened(with: outcome)?.claims)
            inspection = TokenInspection.inspect(token, decryption: outcome, at: at)
            if outcome.status == .failed { status = .rejected }
        } else {
            let at = try instant(choice, claims: token.claims)
            inspection = TokenInspection.inspect(token, at: at, signatureProblem: request.signatureProblem)
        }
        if arguments.has(.quiet) {
            // A JWE that does not decrypt is decode's one rejection (`QuietReport`).
            if status == .rejected, let outcome = inspection.decryption {
                streams.writeErrorLine(QuietReport.rejected(["decryption"], because: outcome.reason))
            }
        } else if arguments.has(.json) {
            streams.writeOutput(JSONWriter.write(.object(DecodeReport.json(inspection, atIssuedAt: choice.isIssuedAt))) + "\n")
        } else {
            let style = TextStyle.resolve(arguments, streams: streams, environment: environment)
            streams.writeOutput(DecodeReport.text(
                inspection, style: style, layout: TextStyle.layout(arguments, streams: streams, environment: environment),
                localTime: { LocalTime.format($0, environment: environment) }, atIssuedAt: choice.isIssuedAt))
        }
        return status.rawValue
    }

    /// The instant the token is judged at; under `--at iat` a token without one is bad input (3), named.
    static func instant(_ choice: AtChoice, claims: JSONObject?) throws(CommandFailure) -> Int64 {
        do {
            return try choice.instant(claims: claims)
        } catch {
            throw .input(error, what: "cannot judge the token as of its iat")
        }
    }
}
