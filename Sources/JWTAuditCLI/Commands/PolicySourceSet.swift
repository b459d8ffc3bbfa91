import JWTAuditCore

/// Where `check-policy` and `explain --policy` take the effective policy a token is evaluated against from.
enum PolicySourceChoice: Equatable {
    /// `--policy` XML files, outermost scope first, composed with `<base />` (no selection, no environment).
    case scopeFiles
    /// One operation in one product context of a tree or a template (`--api`, `--operation`, `--product`,
    /// `--no-product`; when a choice is left to make, the error lists the choices).
    case tree(path: String, selection: PolicySelection, environment: String?)

    /// A directory, a `.bicep`, a `.tf` or an ARM `.json` is a tree; so is any `--policy` with a selection or
    /// `--environment`. Several `--policy` are scope files, and a tree is one `--policy`.
    static func make(_ parsed: ParsedArguments, command: String) throws(CommandFailure) -> PolicySourceChoice {
        let selection = try CheckPolicyCommand.policySelection(parsed, command: command)
        let paths = parsed.all(.policy)
        if paths.isEmpty { throw .usage(.missingOption("--policy"), command) }
        let environment = parsed.last(.environment)
        let tree = paths.first(where: isTree)
        if selection.isEmpty && tree == nil {
            guard environment == nil else {
                throw .usage(
                    .invalidCombination("--environment applies to an APIOps tree: give the tree as --policy, not XML scope files"),
                    command)
            }
            return .scopeFiles
        }
        guard paths.count == 1 else {
            let why = tree.map { "--policy \($0) is a tree or a template" }
                ?? "--api, --operation, --product and --no-product choose in a tree or a template"
            throw .usage(
                .invalidCombination(
                    "a token is evaluated against one effective policy: \(why), so give it as the only --policy (several --policy are XML files, outermost scope first)"),
                command)
        }
        return .tree(path: paths[0], selection: selection, environment: environment)
    }

    /// A directory, a `.bicep`, a `.tf` or an ARM `.json`: sources of a whole service, not one scope's XML.
    static func isTree(_ path: String) -> Bool {
        let lower = path.lowercased()
        return PosixPolicyFileSystem().kind(of: path) == .directory || lower.hasSuffix(".bicep") || lower.hasSuffix(".tf")
            || lower.hasSuffix(".json")
    }
}

/// The `--policy` sources read as services (each tree composed: every operation's effective policy in each
/// product context), for lint, for evaluating a token against one operation, and for the admission matrix.
enum PolicySourceSet {
    /// Each `--policy` PATH with the services read from it, `--environment` applied.
    static func services(_ parsed: ParsedArguments, namedValues: [String: String]?) throws(CommandFailure)
        -> [(path: String, services: [PolicyService])]
    {
        var out: [(path: String, services: [PolicyService])] = []
        for path in parsed.all(.policy) {
            out.append((path, try services(path: path, environment: parsed.last(.environment), namedValues: namedValues)))
        }
        return out
    }

    static func services(path: String, environment: String?, namedValues: [String: String]?) throws(CommandFailure) -> [PolicyService] {
        let files = PosixPolicyFileSystem()
        var configuration: (bytes: [UInt8], file: String)?
        if let environment {
            do {
                configuration = (try FileReader.readWhole(path: environment, limit: 16 << 20, what: "environment configuration"), environment)
            } catch {
                throw .input(error, what: "cannot read the environment configuration")
            }
        }
        do {
            var trees = try PolicySources.load(path, source: PolicySourceFiles(files: files, root: files.root(for: path)))
            if let configuration { try PolicySources.applyEnvironment(configuration.bytes, file: configuration.file, to: &trees) }
            var services: [PolicyService] = []
            for tree in trees { services.append(try PolicyService(tree: tree, namedValues: namedValues)) }
            return services
        } catch {
            throw .input(error, what: "cannot read the policy")
        }
    }

    /// The one effective policy `selection` names in PATH (exit 3 with the choices, as lint's selection error):
    /// among the trees PATH holds that have operations, the one where the selection names exactly one.
    static func choose(
        _ selection: PolicySelection, path: String, environment: String?, namedValues: [String: String]?
    ) throws(CommandFailure) -> (PolicyService, EffectivePolicy) {
        let services = try services(path: path, environment: environment, namedValues: namedValues)
        let candidates = services.filter { !$0.policies.isEmpty }
        guard candidates.count > 1 else {
            guard let service = candidates.first ?? services.first else {
                throw .input(JWTAuditError(.invalidArgument, "\(path) holds no policy"), what: "cannot choose one effective policy")
            }
            do {
                return (service, try service.select(selection))
            } catch {
                throw .input(error, what: "cannot choose one effective policy")
            }
        }
        var found: [(PolicyService, EffectivePolicy)] = []
        var reasons: [String] = []
        for service in candidates {
            do {
                found.append((service, try service.select(selection)))
            } catch {
                reasons.append("\(service.tree.path): \(error.reason)")
            }
        }
        if found.count == 1 { return found[0] }
        let trees = (found.isEmpty ? candidates.map(\.tree.path) : found.map(\.0.tree.path)).joined(separator: ", ")
        let why = found.isEmpty ? reasons.joined(separator: "; ") : "it names an effective policy in each of \(trees)"
        throw .input(
            JWTAuditError(.invalidArgument, "\(path) holds several trees (\(trees)); give --policy the one to evaluate (\(why))"),
            what: "cannot choose one effective policy")
    }
}
