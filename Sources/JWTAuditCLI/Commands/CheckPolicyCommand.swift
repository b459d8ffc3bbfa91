public import JWTAuditCore

/// Everything `check-policy` computes for a request, before anything is printed; `explain --policy` narrates it.
public struct PolicyEvaluation: Sendable {
    /// One `validate-jwt` / `validate-azure-ad-token` element of the effective policy, in document order.
    public struct Element: Sendable {
        public let policy: TokenValidationPolicy
        public let resolved: ResolvedTokenValidation
        public let outcome: PolicyOutcome
        /// Inside `<choose>`: runs only when its condition holds, so it does not decide the verdict here.
        public var conditional: Bool { policy.placement.conditional }
        /// False when an earlier unconditional element already rejected the request (APIM stops there).
        public let reached: Bool
        /// Where the keys and issuers came from ("JWKS from the cache is stale ...").
        public let keyNotes: [String]
    }

    public let elements: [Element]
    /// The index in `elements` of the element whose outcome is the response: the first unconditional one that
    /// rejects, else the last unconditional one (accepted), else the first element.
    public let decisiveIndex: Int
    public var decisive: Element { elements[decisiveIndex] }
    /// The request passes only if every unconditional element accepts it.
    public var accepted: Bool { elements.allSatisfy { $0.conditional || $0.outcome.accepted } }
    /// Lint findings for the effective policy (the same rules as `check-policy` without a token).
    public let findings: [PolicyLintFinding]
    /// Statements about the run as a whole (conditional elements, several elements).
    public let notes: [String]

    /// DESIGN.md's `check-policy --json` shape, from the decisive element, plus every element's outcome.
    public var jsonValue: JSONValue {
        guard case .object(var object) = decisive.outcome.jsonValue else { return .null }
        object.members.removeAll { $0.key == "accepted" || $0.key == "findings" || $0.key == "notes" }
        object.members.insert(("accepted", .bool(accepted)), at: 0)
        if accepted && !decisive.outcome.accepted {
            // Only conditional elements reject: the request as such goes on.
            for (key, value) in [("statusCode", JSONValue.number(JSONNumber(200))), ("body", .null), ("lastError", .null)] {
                if let index = object.members.firstIndex(where: { $0.key == key }) { object.members[index].value = value }
            }
        }
        object.append("findings", PolicyLint.jsonValue(findings).objectValue?["findings"] ?? .array([]))
        let allNotes = notes + decisive.keyNotes + decisive.outcome.notes
        object.append("notes", .array(allNotes.map(JSONValue.string)))
        object.append("validations", .array(elements.map { element in
            var entry = JSONObject()
            entry.append("element", .string(element.policy.kind.rawValue))
            entry.append("file", element.policy.placement.source.map(JSONValue.string) ?? .null)
            entry.append("line", .number(JSONNumber(element.policy.placement.line)))
            entry.append("conditional", .bool(element.conditional))
            entry.append("reached", .bool(element.reached))
            if case .object(let outcome) = element.outcome.jsonValue {
                for member in outcome.members where member.key != "findings" { entry.append(member.key, member.value) }
            }
            return .object(entry)
        }))
        return .object(object)
    }
}

/// `jwtaudit check-policy`: evaluate APIM token policies against a request, or lint them.
public enum CheckPolicyCommand {
    public enum Failure: Error, Sendable {
        case usage(UsageError)
        /// Bad input (exit 3) or keys/metadata unavailable (exit 2), with what could not be done.
        case input(JWTAuditError, what: String)
    }

    // MARK: running

    static func run(_ parsed: ParsedArguments, environment: [String: String], streams: StandardStreams, now: Int64) -> Int32 {
        let command = OptionTable.checkPolicy
        let format = parsed.has("json") ? "json" : (parsed.last("format") ?? "text")
        let style = TextStyle.resolve(parsed, streams: streams, environment: environment)
        do throws(Failure) {
            if parsed.all("policy").isEmpty {
                throw .usage(UsageError(.missingOption("--policy"), command: command))
            }
            // The token comes only from the argument (`-` for standard input): lint in CI runs with a
            // non-terminal standard input and must not wait on it.
            let wantsToken = parsed.positionals.first != nil || !parsed.all("request-header").isEmpty
            if !wantsToken {
                let findings = try lint(parsed)
                let threshold = try failOn(parsed)
                switch format {
                case "json": streams.writeOutput(JSONWriter.write(PolicyLint.jsonValue(findings)) + "\n")
                case "sarif":
                    streams.writeOutput(JSONWriter.write(Sarif.log(findings: findings, toolVersion: OptionTable.version)) + "\n")
                default: streams.writeOutput(CheckPolicyReport.lintText(findings, style: style))
                }
                return PolicyLint.fails(findings, failOn: threshold) ? ExitStatus.rejected.rawValue : ExitStatus.success.rawValue
            }
            if parsed.has("format") && format == "sarif" {
                throw .usage(UsageError(
                    .invalidValue(option: "--format", value: "sarif", reason: "SARIF is for lint findings; give no token to lint"),
                    command: command))
            }
            var tokenText: String?
            if let argument = parsed.positionals.first {
                do {
                    tokenText = try TokenSource.read(argument: argument, command: command, streams: streams)
                } catch {
                    switch error {
                    case .usage(let usage): throw .usage(usage)
                    case .input(let failure): throw .input(failure, what: "cannot read the token")
                    }
                }
            }
            let evaluation = try evaluate(parsed, tokenText: tokenText, environment: environment, now: now)
            if format == "json" {
                streams.writeOutput(JSONWriter.write(evaluation.jsonValue) + "\n")
            } else {
                streams.writeOutput(CheckPolicyReport.text(evaluation, style: style))
            }
            return evaluation.accepted ? ExitStatus.success.rawValue : ExitStatus.rejected.rawValue
        } catch {
            switch error {
            case .usage(let usage): return JWTAuditCLI.fail(usage, streams)
            case .input(let failure, let what): return JWTAuditCLI.fail(failure, what: what, streams)
            }
        }
    }

    static func failOn(_ parsed: ParsedArguments) throws(Failure) -> Finding.Severity? {
        switch parsed.last("fail-on") ?? "warning" {
        case "never": return nil
        case "error": return .error
        case "info": return .info
        default: return .warning
        }
    }

    // MARK: inputs

    /// The policy inputs every mode shares.
    struct PolicyInputs {
        var files: [(bytes: [UInt8], sourceName: String)]
        /// nil when the user supplied no named values at all (lint then reads `{{name}}` as written).
        var namedValues: [String: String]?
        var expressionValues: [String: String]
        var certificates: [String: String]
    }

    static func inputs(_ parsed: ParsedArguments, command: String) throws(Failure) -> PolicyInputs {
        var files: [(bytes: [UInt8], sourceName: String)] = []
        for path in parsed.all("policy") {
            do {
                // One byte past XMLReader's limit, so that the reader names the limit.
                files.append((try FileReader.read(path: path, maxBytes: XMLReader.Limits.default.maxBytes + 1), path))
            } catch {
                throw .input(error, what: "cannot read the policy")
            }
        }
        var named: [String: String]?
        if let path = parsed.last("named-values") {
            named = try namedValuesFile(path)
        }
        for pair in parsed.all("named-value") {
            guard let (name, value) = split(pair, option: "--named-value", valueName: "NAME=VALUE"), !name.isEmpty else {
                throw .usage(UsageError(
                    .invalidValue(option: "--named-value", value: pair, reason: "expected NAME=VALUE"), command: command))
            }
            named = named ?? [:]
            named![name.hasPrefix("{{") && name.hasSuffix("}}") ? String(name.dropFirst(2).dropLast(2)) : name] = value
        }
        var expressions: [String: String] = [:]
        for pair in parsed.all("expression-value") {
            guard let (expression, value) = splitExpression(pair) else {
                throw .usage(UsageError(
                    .invalidValue(option: "--expression-value", value: pair,
                                  reason: "expected @(expression)=VALUE or @{statements}=VALUE, the expression exactly as in the policy"),
                    command: command))
            }
            expressions[expression] = value
        }
        var certificates: [String: String] = [:]
        for pair in parsed.all("certificate") {
            guard let (id, path) = split(pair, option: "--certificate", valueName: "ID=FILE"), !id.isEmpty, !path.isEmpty else {
                throw .usage(UsageError(
                    .invalidValue(option: "--certificate", value: pair, reason: "expected ID=FILE"), command: command))
            }
            certificates[id] = path
        }
        return PolicyInputs(files: files, namedValues: named, expressionValues: expressions, certificates: certificates)
    }

    static func split(_ pair: String, option: String, valueName: String) -> (String, String)? {
        guard let equals = pair.firstIndex(of: "=") else { return nil }
        return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
    }

    /// `@(expr)=VALUE` / `@{stmts}=VALUE`: the expression runs from `@` to its matching bracket (brackets inside
    /// C# string and character literals do not count); the `=` right after it starts the value.
    static func splitExpression(_ pair: String) -> (String, String)? {
        let scalars = Array(pair.unicodeScalars)
        guard scalars.count >= 3, scalars[0] == "@", scalars[1] == "(" || scalars[1] == "{" else { return nil }
        let open = scalars[1]
        let close: Unicode.Scalar = open == "(" ? ")" : "}"
        var depth = 0
        var quote: Unicode.Scalar?
        var index = 1
        while index < scalars.count {
            let c = scalars[index]
            if let q = quote {
                if c == "\\" { index += 2; continue }
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == open {
                depth += 1
            } else if c == close {
                depth -= 1
                if depth == 0 {
                    guard index + 1 < scalars.count, scalars[index + 1] == "=" else { return nil }
                    var expression = String.UnicodeScalarView()
                    expression.append(contentsOf: scalars[...index])
                    var value = String.UnicodeScalarView()
                    value.append(contentsOf: scalars[(index + 2)...])
                    return (String(expression), String(value))
                }
            }
            index += 1
        }
        return nil
    }

    static func namedValuesFile(_ path: String) throws(Failure) -> [String: String] {
        let bytes: [UInt8]
        do {
            bytes = try FileReader.readWhole(path: path, what: "named values file")
        } catch {
            throw .input(error, what: "cannot read the named values")
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes: bytes)
        } catch {
            throw .input(JWTAuditError(.malformedJSON, "'\(path)' is not valid JSON: \(error)"), what: "cannot read the named values")
        }
        guard let object = json.objectValue else {
            throw .input(JWTAuditError(.invalidArgument, "'\(path)' must be a JSON object of names to string values"),
                         what: "cannot read the named values")
        }
        if let duplicate = object.duplicateKeys.first {
            throw .input(JWTAuditError(.invalidArgument, "'\(path)': \"\(duplicate)\" appears more than once"),
                         what: "cannot read the named values")
        }
        var values: [String: String] = [:]
        for (name, value) in object.members {
            guard let text = value.stringValue else {
                throw .input(JWTAuditError(.invalidArgument, "'\(path)': the value of \"\(name)\" is \(value.kindDescription), not a string"),
                             what: "cannot read the named values")
            }
            values[name] = text
        }
        return values
    }

    // MARK: lint

    /// Lint without a token. Each `--policy` file is linted on its own (findings name their file and line):
    /// lint judges what each file says, and CI lints every file of a repository, most of which are not scopes of
    /// one another. A file with no token-validating element has nothing to lint; if no file has one, that is bad
    /// input (exit 3) as it is when evaluating.
    public static func lint(_ parsed: ParsedArguments, command: String = OptionTable.checkPolicy) throws(Failure) -> [PolicyLintFinding] {
        let inputs = try inputs(parsed, command: command)
        var findings: [PolicyLintFinding] = []
        var linted = 0
        var lastError: JWTAuditError?
        for file in inputs.files {
            do {
                var roots = try XMLReader.parse(file.bytes, sourceName: file.sourceName)
                if let named = inputs.namedValues { roots = try NamedValues.resolve(roots, values: named) }
                guard containsValidation(roots) else {
                    lastError = JWTAuditError(.malformedPolicy, "\(file.sourceName): no validate-jwt or validate-azure-ad-token element in the policy")
                    continue
                }
                findings += PolicyLint.lint(try PolicyDocument(roots: roots))
                linted += 1
            } catch {
                throw .input(error, what: "cannot read the policy")
            }
        }
        if linted == 0, let lastError { throw .input(lastError, what: "cannot read the policy") }
        return findings
    }

    static func containsValidation(_ elements: [XMLElement]) -> Bool {
        elements.contains { TokenValidationKind(rawValue: $0.name) != nil || containsValidation($0.elements) }
    }

    // MARK: evaluation

    /// Evaluates the effective policy (the `--policy` scopes composed, named values substituted) against one
    /// request: the token placed where each element reads it, or the `--request-header` lines exactly as given.
    /// Keys come from the policy (`openid-config` through the cache and network, `issuer-signing-keys`,
    /// `--certificate`), and the shared `Verifier` checks signature, lifetime, audience and issuer; the
    /// `PolicyEvaluator` adds APIM's extraction, client and required-claims rules and picks the LastError.
    public static func evaluate(
        _ parsed: ParsedArguments, tokenText: String?, environment: [String: String], now: Int64,
        command: String = OptionTable.checkPolicy
    ) throws(Failure) -> PolicyEvaluation {
        let at: Int64
        do {
            at = try parsed.instant(now: now, command: command)
        } catch {
            throw .usage(error)
        }
        let inputs = try inputs(parsed, command: command)
        let network: PolicyNetworkOptions
        do {
            network = try PolicyNetworkOptions(parsed, command: command)
        } catch {
            throw .usage(error)
        }
        let headerLines = parsed.all("request-header")
        if tokenText != nil && !headerLines.isEmpty {
            throw .usage(UsageError(
                .conflictingOptions("TOKEN", "--request-header"), command: command))
        }
        var token: String?
        if let tokenText {
            do {
                token = try TokenInput.extract(tokenText)
            } catch {
                throw .input(error, what: "cannot read the token")
            }
        }
        let request: PolicyRequest?
        do {
            request = headerLines.isEmpty ? nil : try PolicyRequest.parsing(headerLines: headerLines)
        } catch {
            throw .usage(UsageError(.invalidValue(option: "--request-header", value: headerLines.joined(separator: " | "), reason: error.reason), command: command))
        }

        let document: PolicyDocument
        do {
            document = try PolicyDocument(scopes: inputs.files, namedValues: inputs.namedValues ?? [:])
        } catch {
            throw .input(error, what: "cannot read the policy")
        }
        // The cache's freshness is judged by the real clock; --at only moves the token's times.
        let instant = now
        let keySource = PolicyKeySource(
            options: network, certificates: inputs.certificates, environment: environment, clock: { instant })

        var elements: [PolicyEvaluation.Element] = []
        var rejectedBefore = false
        var notes: [String] = []
        for validation in document.validations {
            var expressionValues = inputs.expressionValues
            if case .tokenValue(.expression(let expression)) = validation.tokenLocation, expressionValues[expression] == nil,
                let token
            {
                expressionValues[expression] = token
                notes.append("The token argument was taken as the value of the token-value expression \(expression).")
            }
            let element: PolicyEvaluation.Element
            do {
                element = try evaluate(
                    validation, token: token, request: request, expressionValues: expressionValues, keySource: keySource,
                    at: at, reached: !rejectedBefore)
            } catch {
                throw .input(Self.withHint(error), what: "cannot evaluate the \(validation.kind.rawValue) policy at \(validation.placement.source.map { "\($0) " } ?? "")line \(validation.placement.line)")
            }
            if !element.conditional && !element.outcome.accepted { rejectedBefore = true }
            elements.append(element)
        }
        let decisive = elements.firstIndex { !$0.conditional && !$0.outcome.accepted }
            ?? elements.lastIndex { !$0.conditional } ?? 0
        if elements.count > 1 {
            notes.append("The policy has \(elements.count) token-validating elements; they run in document order, and the first unconditional one that rejects answers the request.")
        }
        for element in elements where element.conditional {
            notes.append("\(element.policy.kind.rawValue) at line \(element.policy.placement.line) is inside <choose>: it runs only when its condition holds, so its outcome (\(element.outcome.accepted ? "accepted" : "rejected, \(element.outcome.lastError?.reason.rawValue ?? "")")) is reported but does not decide the verdict.")
        }
        for element in elements where !element.reached {
            notes.append("\(element.policy.kind.rawValue) at line \(element.policy.placement.line) is never reached for this request: an earlier element already rejected it (its outcome is shown for reference).")
        }
        return PolicyEvaluation(
            elements: elements, decisiveIndex: decisive, findings: PolicyLint.lint(document), notes: notes)
    }

    static func placement(of policy: ResolvedTokenValidation) -> String {
        switch policy.location {
        case .header(let name) where name.lowercased() == "authorization":
            return "\(name): \(policy.requireScheme ?? "Bearer") <token>"
        case .header(let name): return "\(name): <token>"
        case .queryParameter(let name): return "query parameter \(name)=<token>"
        case .tokenValue: return "the value of the token-value expression"
        case .unspecified: return "nowhere"
        }
    }

    static func withHint(_ error: JWTAuditError) -> JWTAuditError {
        guard error.code == .unevaluable, error.reason.contains("supply its value") else { return error }
        return JWTAuditError(error.code, error.reason + " with --expression-value 'EXPRESSION=VALUE'")
    }

    /// One element: resolve it, read the token as it would, verify with its keys and parameters, evaluate.
    static func evaluate(
        _ validation: TokenValidationPolicy, token: String?, request: PolicyRequest?, expressionValues: [String: String],
        keySource: PolicyKeySource, at now: Int64, reached: Bool
    ) throws(JWTAuditError) -> PolicyEvaluation.Element {
        let resolved = try validation.resolved(expressionValues: expressionValues)
        let effectiveRequest = request ?? token.map { PolicyRequest.carrying($0, for: resolved) } ?? PolicyRequest()
        var extraction = TokenExtraction.extract(from: effectiveRequest, for: resolved)
        if request == nil, case .token(let text, _) = extraction {
            // jwtaudit placed the token itself, so the way it was read is not in question.
            extraction = .token(text, note: "the token was sent where the policy reads it: \(placement(of: resolved)) (give --request-header to send it exactly as a client does)")
        }
        var report: VerificationReport?
        var keyNotes: [String] = []
        if case .token(let text, _) = extraction {
            let verified = try verify(text: text, token: try? CompactToken.parse(text), resolved: resolved,
                                      authenticationEndpoint: validation.authenticationEndpoint, keySource: keySource,
                                      expressionValues: expressionValues, at: now)
            report = verified.report
            keyNotes = verified.notes
        }
        let findings = PolicyLint.lint(validation).map(\.finding)
        let outcome = try PolicyEvaluator.evaluate(
            resolved, extraction: extraction, report: report, expressionValues: expressionValues, findings: findings)
        return PolicyEvaluation.Element(
            policy: validation, resolved: resolved, outcome: outcome, reached: reached, keyNotes: keyNotes)
    }

    /// The shared verifier, asked what this policy asks: its keys, its audiences and issuers (or the metadata's
    /// issuer), its clock skew and `require-expiration-time`, and the algorithms Microsoft documents.
    static func verify(
        text: String, token: CompactToken?, resolved: ResolvedTokenValidation, authenticationEndpoint: PolicyValue?,
        keySource: PolicyKeySource, expressionValues: [String: String], at now: Int64
    ) throws(JWTAuditError) -> (report: VerificationReport, notes: [String]) {
        let plan = VerificationPlan.apim(requireSignedTokens: resolved.requireSignedTokens)
        var policy = VerificationPolicy()
        var notes: [String] = []
        policy.clockSkew = Int64(resolved.clockSkewSeconds)
        policy.requireExpiry = resolved.requireExpirationTime
        policy.allowedAlgorithms = Set(ResolvedTokenValidation.documentedSigningAlgorithms.compactMap(JWSAlgorithm.init(rawValue:)))
        if let audiences = resolved.acceptedAudiences {
            policy.audiences = audiences
        } else {
            policy.anyAudience = true
            notes.append("The policy names no audiences, so the audience is not validated (inferred: the library's ValidAudiences is empty).")
        }
        guard let token else {
            // Not a token: nothing to fetch keys for; the verifier's format check says why.
            return (Verifier(keys: nil, policy: policy, plan: plan).verify(text: text, at: now), notes)
        }

        // Keys and metadata issuers.
        var keySets: [KeySet] = []
        var metadataIssuers: [String] = []
        var metadataURLs: [String] = []
        switch resolved.kind {
        case .validateJWT:
            metadataURLs = resolved.openIDConfigURLs
        case .validateAzureADToken:
            if let tenant = resolved.tenantID {
                let isV2 = token.claims.flatMap(TokenVersion.init(claims:)) == .v2
                let endpoint = try authenticationEndpoint?.resolved(expressionValues, what: "authentication-endpoint")
                metadataURLs = [try keySource.azureADMetadataURL(tenant: tenant, authenticationEndpoint: endpoint, tokenIsV2: isV2)]
            }
        }
        for url in metadataURLs {
            let metadata = try keySource.metadata(url: url, kid: token.keyID)
            keySets.append(metadata.keys)
            metadataIssuers.append(metadata.issuer.template)
            notes += metadata.notes
        }
        keySets += try keySource.inlineKeySets(resolved.issuerSigningKeys, kid: token.keyID, expressionValues: expressionValues)

        // Issuers.
        var issuers = resolved.acceptedIssuers
        if resolved.kind == .validateAzureADToken, let tenant = resolved.tenantID, (try? EntraTenant(tenant))?.kind != .guid {
            issuers = nil  // a domain or common/organizations: the metadata's issuer (maybe a {tenantid} template).
        }
        if let issuers {
            policy.issuers = issuers
            policy.issuerSource = resolved.kind == .validateJWT ? "<issuers> in the policy" : "the v1.0 and v2.0 issuers of tenant-id (inferred)"
            if resolved.kind == .validateJWT && !metadataURLs.isEmpty {
                notes.append("The policy has both <issuers> and openid-config; the <issuers> list is taken as the whole list (inferred: whether it replaces or adds to the metadata's issuer is not documented).")
            }
        } else if !metadataIssuers.isEmpty {
            policy.issuers = metadataIssuers
            policy.issuerSource = "issuer from \(metadataURLs.joined(separator: ", "))"
        } else {
            policy.anyIssuer = true
            notes.append("The policy names no issuers and no openid-config, so the issuer is not validated (inferred).")
        }

        // "each key is tried until either all are exhausted ... or one succeeds": one run per key set.
        let reports = keySets.isEmpty
            ? [Verifier(keys: nil, policy: policy, plan: plan).verify(token, at: now)]
            : keySets.map { Verifier(keys: $0, policy: policy, plan: plan).verify(token, at: now) }
        let chosen = reports.first { $0[.signature]?.status == .pass }
            ?? reports.first { $0[.key]?.status == .pass }
            ?? reports[0]
        if keySets.count > 1 {
            notes.append("\(keySets.count) key sources were tried (\(keySets.map(\.source).joined(separator: "; "))); the report shows \(chosen.key.map { "the one that verified: \($0.summary)" } ?? "the closest attempt").")
        }
        if let algorithm = token.algorithm, !ResolvedTokenValidation.documentedSigningAlgorithms.contains(algorithm),
            algorithm.lowercased() != "none"
        {
            notes.append("\(algorithm) is not among the signing algorithms Microsoft documents for validate-jwt (HS256, RS256, RS512, PS256, ES256); whether the gateway accepts it is not documented, so it is treated as not allowed (inferred).")
        }
        return (chosen, notes)
    }
}
