import JWTAuditCore

/// `check-policy --matrix`: which client tokens each effective policy admits (the core's `AdmissionMatrix`),
/// for the `--policy` scope files composed, for the operation the selection names, or for every operation of
/// every tree in every product context.
///
/// It is a report, so it exits 0 whatever the policies admit; a policy that cannot be evaluated (a named value
/// or an expression without a value, text only deployment resolves) is listed with the reason rather than
/// failing the others. Sources that cannot be read are bad input (3), as for lint; a token, SARIF or
/// `--fail-on` with it are usage errors (64). It never touches the network: the issuer of metadata comes from
/// the cache, else from the URL.
enum AdmissionMatrixRun {
    static func run(
        _ parsed: ParsedArguments, wantsToken: Bool, format: String, style: TextStyle, environment: [String: String],
        streams: StandardStreams, now: Int64
    ) throws(CommandFailure) -> Int32 {
        let command = OptionTable.checkPolicy
        if wantsToken {
            throw .usage(.conflictingOptions("--matrix", parsed.positionals.first != nil ? "TOKEN" : "--request-header"), command)
        }
        if format == "sarif" {
            throw .usage(.invalidValue(option: "--format", value: "sarif", reason: "SARIF is for lint findings; --matrix writes text or json"), command)
        }
        if parsed.has(.failOn) { throw .usage(.conflictingOptions("--matrix", "--fail-on"), command) }
        let at = try parsed.instant(now: now, command: command)
        let entries = try entries(parsed, at: at, environment: environment, now: now)
        if format == "json" {
            streams.writeOutput(JSONWriter.write(AdmissionMatrixReport.json(entries, at: at)) + "\n")
        } else {
            streams.writeOutput(AdmissionMatrixReport.text(entries, style: style))
        }
        return ExitStatus.success.rawValue
    }

    static func entries(
        _ parsed: ParsedArguments, at: Int64, environment: [String: String], now: Int64
    ) throws(CommandFailure) -> [AdmissionMatrix.Entry] {
        let command = OptionTable.checkPolicy
        let selection = try CheckPolicyCommand.policySelection(parsed, command: command)
        let scopeFiles = parsed.last(.environment) == nil && selection.isEmpty
            && !parsed.all(.policy).contains(where: PolicySourceChoice.isTree)
        let inputs = try CheckPolicyCommand.inputs(parsed, command: command, readingPolicyFiles: scopeFiles)
        var network = try PolicyNetworkOptions(parsed, command: command)
        network.network.offline = true
        let provider = CommandKeyProvider(network: network.network, environment: environment, clock: { now })
        let matrixInputs = AdmissionMatrix.Inputs(
            expressionValues: inputs.expressionValues, at: at, authority: network.authority,
            keys: KeyResolution(provider: provider))

        if scopeFiles {
            do {
                return [try AdmissionMatrix.entry(scopes: inputs.files, namedValues: inputs.namedValues, inputs: matrixInputs)]
            } catch {
                throw .input(error, what: "cannot read the policy")
            }
        }
        // Every effective policy the selection leaves (all of them without one) in every tree, and the loose
        // files of a walk; a selection that names nothing anywhere is an error listing the choices.
        var entries: [AdmissionMatrix.Entry] = []
        // A tree's refusal ("no API x; the APIs are ...") says more than a loose file's.
        var treeRefusal: JWTAuditError?
        var fileRefusal: JWTAuditError?
        for (_, services) in try PolicySourceSet.services(parsed, namedValues: inputs.namedValues) {
            for service in services {
                do {
                    let policies = try service.matching(selection)
                    entries += AdmissionMatrix.entries(service, policies: policies, standalone: selection.isEmpty, inputs: matrixInputs)
                } catch {
                    if service.policies.isEmpty { fileRefusal = fileRefusal ?? error } else { treeRefusal = treeRefusal ?? error }
                }
            }
        }
        if entries.isEmpty, let refusal = treeRefusal ?? fileRefusal {
            throw .input(refusal, what: "cannot choose an effective policy")
        }
        return entries
    }
}
