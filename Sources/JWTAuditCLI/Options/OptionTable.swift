/// THE table: every subcommand and every option, in documentation order (help and the man page list them in
/// this order). To add an option, add one record here; the parser, help, man page and completions follow, and
/// the drift tests say which checked-in files to regenerate (`jwtaudit __generate man|bash|zsh|fish`).
public enum OptionTable {
    public static let toolName = "jwtaudit"
    /// The version: the one place it is written. `--version`, the man page footer, SARIF's tool version, the
    /// HTTP User-Agent, and through `jwtaudit --version` the Makefile's .deb and tarball all read it.
    public static let version = "0.2.0"
    /// The man page's date. Fixed (not today) so that regenerating the page is reproducible; bump it when
    /// the page changes in substance.
    public static let manualDate = "December 4, 2026"
    public static let abstract =
        "Inspect and audit JSON Web Tokens from Microsoft Entra ID and Azure API Management."

    /// Where a token is found in what was pasted (`TokenInput`, `TokenSearch`), as the man page's TOKEN INPUT
    /// section and `decode --help` say it.
    /// How check-policy and explain --policy take a request: the man page's POLICY EVALUATION section.
    public static let policyRequestInputs =
        "check-policy and explain --policy take the same request and reach the same verdict through one evaluation. "
        + "The request is a token argument, which jwtaudit places where each element reads it (Authorization: Bearer, "
        + "a custom header, a query parameter or the token-value), or --request-header lines exactly as a client "
        + "sends them, scheme and all, so that a missing header, a Basic or DPoP scheme or a value that is not a JWT "
        + "is answered as the gateway answers it (TokenNotPresent, JwtInvalid). --expression-value gives the result "
        + "of each policy expression the evaluation needs: a <when> condition (true or false), a token-value (the "
        + "token itself, with no token argument needed), an audience, a message. --named-value and --named-values "
        + "give named values, --certificate the certificates the policy names by certificate-id (for a "
        + "decryption-keys certificate, the file holding its private key), --decryption-key private keys for "
        + "decryption certificates not given with --certificate. An encrypted token (JWE) is decrypted with the "
        + "policy's decryption-keys, then the token inside it is judged; with no decryption-keys, or when no key "
        + "decrypts it (a wrong key, a changed tag), the answer is the gateway's: 401 JwtInvalid with IDX10609 or "
        + "IDX10603, and nothing of the plaintext is shown; a plaintext that is not a signed JWT is refused as "
        + "unsigned (IDX10504). A decryption certificate whose private key was not given stops with exit status 2."

    /// The `<choose>` rule, for the man page.
    public static let policyChooseRule =
        "The elements run in document order, and the first that refuses answers: nothing after it runs. Inside "
        + "<choose>, the first <when> whose condition is true runs, else <otherwise>, else nothing; a condition is "
        + "a constant (true, @(false)) or the value given with --expression-value. When the verdict depends on a "
        + "condition nobody supplied, both commands stop with exit status 3, naming the expression and "
        + "--expression-value. Elements in <on-error> are not on a request's way through. The branches taken are in "
        + "check-policy's branches and explain's notes."

    /// The verdict object, for the man page.
    public static let policyVerdictJSON =
        "check-policy --json writes the verdict's members first: {\"accepted\": true or false, \"statusCode\": the "
        + "HTTP status (200 when accepted), \"body\": the response body, {\"statusCode\", \"message\"}, or null when "
        + "accepted, \"lastError\": context.LastError, {\"source\", \"reason\", \"message\"}, or null when accepted}, "
        + "then checks, findings, notes, branches and validations (each element that ran, with its own verdict). "
        + "explain --json writes the same verdict object as \"verdict\", with \"status\" and \"exitCode\" beside it. "
        + "Where Microsoft documents no reason or message (a wrong scheme, a token not yet valid, a missing exp, a "
        + "decryption failure), the reason is JwtInvalid and the notes say it is inferred; library messages follow "
        + "Microsoft.IdentityModel's wording."

    public static let tokenInputForms =
        "The token is found in whatever holds it: bare, after 'Bearer' or 'Authorization:', in a curl command "
        + "(-H 'authorization: Bearer ...'), the browser's request headers, a PowerShell hashtable, a log line, a "
        + "quoted e-mail reply, a sentence, a token endpoint's JSON response (access_token is preferred to "
        + "id_token) or a URL with access_token= or id_token=. A JWT is recognised by its shape: base64url segments "
        + "separated by dots, the header starting with eyJ. When the input holds several tokens (two pasted one "
        + "after the other are two tokens, not one JWE), the first is taken, --pick N takes another, and a note on "
        + "standard error says which token of how many was taken, and its line. A token cut short (ending in ... "
        + "or …) is refused, saying so."

    /// The whitespace rule of `TokenWhitespace`, as the man page's TOKEN INPUT section and `decode --help` say it.
    public static let tokenWhitespaceRule =
        "Inside the token, a line break is removed together with the spaces, tabs and reply marks (>) next to it, "
        + "so a token that a terminal, an editor or a mail program wrapped (even with indented or quoted lines) is "
        + "read whole; a line break after a finished token (its segments all there, its signature as long as its "
        + "algorithm makes them) ends it. Any other white space inside the token (a space or a tab with no line "
        + "break next to it, a vertical tab, a form feed, a byte order mark) followed by the rest of the token "
        + "means the token was altered on its way: it is refused as bad input (exit status 3), naming the position "
        + "and the segment. The rule is the same for every subcommand and for each line of verify --batch."

    public static let decode = "decode"
    public static let verify = "verify"
    public static let checkPolicy = "check-policy"
    public static let explain = "explain"
    public static let help = "help"

    /// Registered subcommands, in documentation order.
    public static let commands: [CommandSpec] = [
        CommandSpec(
            name: decode,
            abstract: "Show what a token holds and how its client authenticated, without verifying it.",
            discussion:
                tokenInputForms + " " + tokenWhitespaceRule + " "
                + "The output lists the header and the claims in the token's own order, the signature, and a "
                + "summary: the client credential (certificate, secret or public client, read from appidacr in "
                + "v1.0 tokens and azpacr in v2.0 tokens), any proof-of-possession binding, and findings a "
                + "reviewer should see. It never verifies the signature: use it to read a token, not to trust it. So a "
                + "signature segment that cannot be read (a documentation sample, whose signature is cut mid-way, or "
                + "a token cut short after its payload) does not stop it: the header and claims are shown, with a "
                + "signature-unreadable finding, and \"bytes\" is null in --json output; verify refuses such a token "
                + "(exit status 3). Times are in UTC, and also in local time when the TZ environment variable is set. "
                + "An encrypted token (JWE) is decrypted with --decryption-key and the token inside it is shown as any "
                + "token; --json then adds a decryption object: status (decrypted, failed or no-key), algorithm, "
                + "encryption, kid, keyUsed ({kid, summary, source}), plaintext (base64url, only when decrypted), reason, "
                + "keyChoice, keysTried ([{key, reason}]) and "
                + "the JWE's protected header. Without a usable key only the protected header is shown (no-key, exit 0); "
                + "a JWE that does not decrypt and authenticate exits 1 and shows no plaintext; input that is not a "
                + "token, or a JWE in the JSON serialization, exits 3.",
            argument: "TOKEN",
            argumentHelp:
                "The token, a file holding it (FILE or @FILE), or - for standard input. When omitted, standard input is read if it is not a terminal.",
            argumentCompletion: .file,
            examples: [
                ("decode examples/tokens/secret-v1.jwt", "Show a token and its credential verdict."),
                ("decode --json @token.txt", "Print the decoded token as one JSON document."),
                ("decode --at 2026-01-01T00:00:00Z -", "Read the token from standard input; judge times as of a given instant."),
                ("decode --decryption-key examples/keys/api-encryption.pem examples/tokens/encrypted-certificate-v1.jwe",
                 "Decrypt an encrypted token (JWE) with the API's private key and show the signed token inside."),
            ]),
        CommandSpec(
            name: verify,
            abstract: "Verify a token's signature and claims against keys you trust; exit 0 only when it is valid.",
            discussion:
                "Keys come from a PEM or JWK file (--key), a JWK set file or URL (--jwks), a shared secret "
                + "(--secret-file, --secret-env), or OpenID discovery (--tenant, --openid-config). The algorithm "
                + "is never taken from the token alone: it must be allowed by the key and by --alg. Every check "
                + "runs and is reported, pass, fail, warn or skip: format, claims, algorithm, key, signature, "
                + "expiry, not-before, issued-at, issuer, audience, tenant, client, credential and one "
                + "claim:NAME per --require-claim. The issuer and the audience are required: name them, or say "
                + "--any-issuer or --any-audience on purpose. With --batch, tokens are read one per line and "
                + "one JSON object per line is written, in input order, using every core. An encrypted token (JWE) is "
                + "decrypted first with --decryption-key, and a decryption check comes before the others, which judge the "
                + "token inside it; without a usable key verify says cannot decrypt: no key and exits 2.",
            argument: "TOKEN",
            argumentHelp:
                "The token, a file holding it (FILE or @FILE), or - for standard input. With --batch: files of tokens, one per line (standard input when none).",
            argumentCompletion: .file,
            examples: [
                ("verify examples/tokens/certificate-v1.jwt --jwks examples/keys/jwks.json --issuer https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/ --audience https://myapi.dewi.red --require-certificate",
                 "Verify a token against a local key set and insist on a certificate credential."),
                ("verify \"$TOKEN\" --tenant contoso.onmicrosoft.com --audience api://my-api --require-certificate",
                 "Verify against a tenant's published keys, found by OpenID discovery."),
                ("verify --batch --jwks keys.json --any-issuer --audience api://my-api < tokens.txt",
                 "Check a log of tokens, one per line; JSON Lines out, a summary on standard error."),
            ]),
        CommandSpec(
            name: checkPolicy,
            abstract: "Evaluate an Azure API Management validate-jwt policy against a token, or lint it without one.",
            discussion:
                "Given a policy and a token, check-policy answers what the gateway would: accepted or not, the "
                + "HTTP status, the response body and context.LastError (source, reason, message), with every "
                + "check listed. Given only policies, it lints them: findings with stable ids, a severity, the "
                + "file and line where the text is, and the scope. --policy takes an XML file, an APIOps "
                + "artifacts directory, a Bicep file, an ARM template, Terraform, or a repository to walk; a "
                + "service's policies are composed into each operation's effective policy in each product "
                + "context (global, workspace, product, API, operation through <base />, fragments inlined, "
                + "named values substituted) and linted whole; with a token, --api, --operation, --product or "
                + "--no-product choose the effective policy it is evaluated against. --matrix shows, for every "
                + "effective policy, which kinds of client token it admits (v1.0 and v2.0; app with a certificate "
                + "or a secret, public client, managed identity, user), with signatures assumed valid. The XML is "
                + "read as the gateway reads rawxml (expressions run to their matching bracket), with no DTD and no "
                + "entity expansion. A request is the token argument, --request-header lines exactly as a client "
                + "sends them, or a token-value given with --expression-value; <choose> runs its first true <when>; "
                + "see POLICY EVALUATION in the man page for the request, the <choose> rule and the verdict JSON.",
            argument: "TOKEN",
            argumentHelp: "The token to evaluate (as for decode). Without one, and without --request-header or --expression-value, the policy is linted.",
            argumentCompletion: .file,
            examples: [
                ("check-policy --policy examples/policies/certificate-only-v1.xml examples/tokens/secret-v1.jwt --offline --cache-dir examples/cache",
                 "Would the gateway accept this token? (No: 401 TokenClaimValueNotAllowed, the client used a secret.) The examples' cache holds the tenant's metadata, so no network is needed."),
                ("check-policy --policy global.xml --policy api.xml --policy operation.xml --named-values named-values.json \"$TOKEN\"",
                 "Evaluate an operation's effective policy: scopes outermost first, composed with <base />."),
                ("check-policy --policy examples/policies/secret-allowed-v1.xml",
                 "Lint a policy: credential-not-enforced (tokens from client secrets pass)."),
                ("check-policy --policy examples/policies/weak.xml --format sarif > policy.sarif",
                 "Lint a policy and write SARIF for code scanning."),
                ("check-policy --policy . --format sarif --fail-on never > jwtaudit.sarif",
                 "Lint every APIOps tree, Bicep, ARM and Terraform file and policy of a repository in one run."),
                ("check-policy --policy examples/apimartifacts --api orders --operation create-order --no-product",
                 "Lint one operation's effective policy with no product (keyless, or an API-scoped key)."),
                ("check-policy --policy examples/apimartifacts --api orders --operation get-order --product starter examples/tokens/secret-v1.jwt --offline --cache-dir examples/cache",
                 "Evaluate a token against one operation of an APIOps tree, in the starter product's context."),
                ("check-policy --policy examples/policies/certificate-only-v1.xml --matrix",
                 "Which client tokens does the policy admit? (v1.0 certificate: yes; v1.0 secret: no; v2.0: no.)"),
            ]),
        CommandSpec(
            name: explain,
            abstract: "Explain a token, or why it is refused, in plain language with the fix.",
            discussion:
                "It leads with the answer: the verdict, then each failed step with its cause and fix, then the "
                + "passed steps on one line; what the token is (issuer and tenant, version, app-only or delegated, "
                + "which client and how it authenticated, how long it lives), its findings and the notes follow, "
                + "and --glossary adds what each claim means. With a token alone nothing is verified; with verify's "
                + "options or with --policy, the steps are the evaluation in the order the verifier or the gateway "
                + "runs it. The exit status is the one verify or check-policy would give. With --policy it takes "
                + "check-policy's request (the token argument, or --request-header lines alone: a request with no "
                + "token is explained too) and narrates check-policy's own evaluation; --json's \"verdict\" is "
                + "check-policy's verdict object. When the keys or the "
                + "metadata cannot be obtained (no network), explain still shows the token and every check that "
                + "needs no key, the signature marked not checked, says the verdict is undecided (exit 2) and, when "
                + "the cache holds a copy, that --offline would use it and from when. On a terminal the text goes "
                + "through $PAGER (less when unset, with LESS=FRX unless LESS is set; PAGER=cat or an empty PAGER "
                + "for none); never when the output is a pipe or a file.",
            argument: "TOKEN",
            argumentHelp: "The token (as for decode); with --policy, optional when --request-header or --expression-value describe the request.",
            argumentCompletion: .file,
            examples: [
                ("explain --policy examples/policies/certificate-only-v1.xml examples/tokens/secret-v1.jwt",
                 "Why does the gateway refuse this token, and what should change?"),
                ("explain examples/tokens/managed-identity-v1.jwt", "What is this token?"),
            ]),
        CommandSpec(
            name: help,
            abstract: "Show help for a subcommand.",
            discussion: "'jwtaudit help decode' prints the same text as 'jwtaudit decode --help'.",
            argument: "SUBCOMMAND",
            argumentHelp: "The subcommand to describe.",
            argumentCompletion: .choices,
            examples: [
                ("help verify", "Show verify's options, grouped by what they are for, with examples."),
                ("help", "List the subcommands."),
            ]),
    ]

    /// Subcommands that produce a report and so take the shared output options.
    static let reporting = [decode, verify, checkPolicy, explain]
    /// Options that stand in for the command's work (print help or the version, then exit 0): usage lines and
    /// the man page's synopsis leave them out, and zsh offers nothing after them.
    static let standalone = ["help", "version"]
    /// Commands that verify with keys and expectations (explain narrates verify's checks).
    static let verifying = [verify, explain]
    /// Commands that may fetch keys or metadata over HTTPS.
    static let fetching = [verify, checkPolicy, explain]
    /// Commands that read APIM policies.
    static let policyReading = [checkPolicy, explain]
    /// Commands that read tokens one per line with --batch.
    static let batching = [decode, verify, checkPolicy]
    /// Commands that decrypt a JWE before judging the token inside (check-policy and explain --policy with the
    /// policy's decryption-keys).
    static let decrypting = [decode, verify, checkPolicy, explain]

    /// Every option, in documentation order (help and the man page list them in this order). Each is a handle
    /// too: commands read their values through it (`parsed.last(.clockSkew)`), so a misspelt option is a compile
    /// error, as with swift-driver's `Option` values.
    public static let options: [OptionSpec] = [
        .json,
        .at,
        .pick,
        .color,
        .quiet,
        .glossary,
        // Keys.
        .key,
        .jwks,
        .secretFile,
        .secretEnv,
        .tenant,
        .openIDConfig,
        .decryptionKey,
        // What the token must say.
        .issuer,
        .anyIssuer,
        .audience,
        .anyAudience,
        .clientID,
        .requireCertificate,
        .requireClaim,
        .alg,
        .clockSkew,
        .allowMissingExp,
        // Network.
        .authority,
        .cacert,
        .timeout,
        .allowHTTP,
        .cacheDirectory,
        .noCache,
        .offline,
        // Policies (check-policy; explain narrates the same evaluation).
        .policy,
        .environment,
        .api,
        .operation,
        .product,
        .noProduct,
        .namedValue,
        .namedValues,
        .certificate,
        .requestHeader,
        .expressionValue,
        .format,
        .failOn,
        .matrix,
        // Batch.
        .batch,
        .summary,
        .jobs,
        .help,
        .version,
    ]

    /// The headings `--help` and the man page group a command's options under, in order, by long name. Every
    /// option is in exactly one section (OptionTableInvariantTests); within a section, options keep table order.
    public static let sections: [(title: String, options: [String])] = [
        ("Input and output", ["json", "at", "pick", "color", "quiet", "glossary", "format", "fail-on", "matrix"]),
        ("Keys", ["key", "jwks", "secret-file", "secret-env", "tenant", "openid-config", "decryption-key"]),
        ("What the token must say", [
            "issuer", "any-issuer", "audience", "any-audience", "client-id", "require-certificate", "require-claim", "alg",
            "clock-skew", "allow-missing-exp",
        ]),
        ("Policy", [
            "policy", "environment", "api", "operation", "product", "no-product", "named-value", "named-values", "certificate",
            "request-header", "expression-value",
        ]),
        ("Network", ["authority", "cacert", "timeout", "allow-http", "cache-dir", "no-cache", "offline"]),
        ("Batch", ["batch", "summary", "jobs"]),
        ("General", ["help", "version"]),
    ]

    /// A command's options by section, leaving out sections it has no option in.
    public static func sectioned(for command: String) -> [(title: String, options: [OptionSpec])] {
        let own = options(for: command)
        return sections.compactMap { section in
            let members = own.filter { section.options.contains($0.long) }
            return members.isEmpty ? nil : (section.title, members)
        }
    }

    public static func command(named name: String) -> CommandSpec? { commands.first { $0.name == name } }

    /// The options a command accepts, in table order.
    public static func options(for command: String) -> [OptionSpec] { options.filter { $0.applies(to: command) } }

    /// Finds `--long` or `-s` among a command's options.
    /// The first option in table order that has this spelling and applies to `command`, as
    /// `options(for:)` would list it; asked without building that list or any spelling string, since every
    /// argument of every run is looked up here (it was 0.17 million instructions of a cold `verify`, issue 22).
    public static func option(spelled spelling: String, for command: String) -> OptionSpec? {
        options.first { $0.isSpelled(spelling) && $0.applies(to: command) }
    }
}

/// The options, one record each (see `OptionTable.options` for their order and `OptionSpec` for the fields).
extension OptionSpec {
    public static let json = OptionSpec(
        long: "json", kind: .flag, commands: OptionTable.reporting,
        abstract: "Print one JSON document on standard output instead of text.",
        discussion:
            "Header and claims keep the token's member order and exact values. Nothing is printed on standard output when the command fails.")

    public static let at = OptionSpec(
        long: "at", kind: .value, valueName: "TIME", commands: OptionTable.reporting,
        abstract: "Judge times as of TIME (RFC 3339, a date, or Unix seconds) instead of now; iat: as of each token's own iat.",
        discussion:
            "TIME is an RFC 3339 date-time such as 2026-01-01T00:00:00Z, a date such as 2026-01-01 (midnight UTC), or a number of seconds since 1970-01-01T00:00:00Z. Relative times and the expired and not-yet-valid findings use it. "
            + "--at iat (decode, verify and check-policy, one token or --batch) judges each token as of its own issue time, so that tokens taken from last month's logs are judged on everything except having expired since; the output says so (text: judged at its iat; JSON: \"at\" is that instant and \"atFrom\" is \"iat\"; batch lines carry \"at\"). A token without a usable iat, or an encrypted one under check-policy, cannot be judged so: one token is bad input (exit status 3), a batch line is refused with an error saying why.")

    public static let pick = OptionSpec(
        long: "pick", kind: .value, valueName: "N", commands: OptionTable.reporting,
        abstract: "Take the Nth token when the input holds several (default: the first, or a response's access_token).",
        discussion:
            "Tokens are found in pasted text by their shape (base64url segments separated by dots, the header starting with eyJ) and numbered in the order they come. When there are several, a note on standard error says which one was taken and on which line. With --batch, N counts the tokens of each line.")

    public static let color = OptionSpec(
        long: "color", kind: .value, valueName: "WHEN", commands: OptionTable.reporting,
        abstract: "Colour text output: auto, always or never (default auto).",
        discussion:
            "With auto, text is coloured only when standard output is a terminal, the NO_COLOR environment variable is not set and TERM is not dumb; always and never override these. Whatever the text output quotes from a token, a provider, a key or a policy has its control characters escaped (\\u001b, \\n), whatever the colour setting; --json keeps the exact values.",
        choices: ["auto", "always", "never"], completion: .choices)

    public static let quiet = OptionSpec(
        long: "quiet", short: "q", kind: .flag, commands: OptionTable.reporting,
        abstract: "Print no report: errors only, and one line naming what failed when the token is rejected.",
        discussion:
            "For CI logs: the exit status says the answer, and standard error says why when it is not 0. A rejection is one line such as 'jwtaudit: rejected: expiry, audience' (check-policy adds the gateway's status and reason; verify --batch counts the tokens); keys that could not be obtained, bad input and usage errors are reported as always. Notes (which of several tokens was taken, the batch summary) are left out. --quiet with --json (or check-policy's --format json or sarif) is a usage error.")

    public static let glossary = OptionSpec(
        long: "glossary", kind: .flag, commands: [OptionTable.explain],
        abstract: "End with what each of the token's claims means (the glossary).",
        discussion:
            "Every claim in the token's order, its value (times also in UTC and relative) and one line on its meaning. Without it, explain ends with the notes and says how many claims the glossary would explain. --json always holds the glossary.")

    // Keys.
    public static let key = OptionSpec(
        long: "key", kind: .value, valueName: "FILE", commands: OptionTable.verifying,
        abstract: "Verify with the key in FILE: a PEM public key or certificate, a JWK, or a JWK set.",
        discussion:
            "A lone key (one PEM key, one certificate, one JWK) is used whatever the token's kid; in a key set the kid chooses, and a kid that no key has fails the key check. A symmetric (oct) JWK is an HMAC secret only with an explicit --alg HS256, HS384 or HS512; oct keys inside a set are never used.",
        completion: .file)

    public static let jwks = OptionSpec(
        long: "jwks", kind: .value, valueName: "FILE|URL", commands: OptionTable.verifying,
        abstract: "Verify with a JWK set from FILE or an https URL.",
        discussion:
            "Keys without alg (as Entra publishes them) allow the algorithms their type allows. When a key carries x5c, its first certificate must hold the same key. Symmetric (oct) keys in a set are never used, and a key that cannot be used is skipped and named in the notes. A URL is fetched over verified HTTPS and cached.",
        completion: .file)

    public static let secretFile = OptionSpec(
        long: "secret-file", kind: .value, valueName: "FILE", commands: OptionTable.verifying,
        abstract: "Verify HS256/384/512 with the shared secret in FILE (raw bytes).",
        discussion: "The secret is never printed. It must be at least as long as the hash (32 bytes for HS256).",
        completion: .file)

    public static let secretEnv = OptionSpec(
        long: "secret-env", kind: .value, valueName: "VAR", commands: OptionTable.verifying,
        abstract: "Verify HS256/384/512 with the shared secret in environment variable VAR.",
        discussion: "The secret is never printed. Prefer this to a command-line argument, which other users can see.")

    public static let tenant = OptionSpec(
        long: "tenant", kind: .value, valueName: "TENANT", commands: OptionTable.verifying,
        abstract: "Find the keys and the issuer by OpenID discovery for an Entra tenant (GUID, domain, common or organizations).",
        discussion:
            "The v1.0 or v2.0 metadata is chosen by the token's version, as Microsoft asks, and the expected issuer comes from it. With common or organizations the issuer is a template that any tenant's token matches; the report says so.")

    public static let openIDConfig = OptionSpec(
        long: "openid-config", kind: .value, valueName: "URL", commands: OptionTable.verifying,
        abstract: "Find the keys and the issuer from any OpenID provider's metadata URL.",
        discussion: "For Okta, Auth0, Keycloak, Entra External ID and others: the metadata's issuer and jwks_uri are used.")

    public static let decryptionKey = OptionSpec(
        long: "decryption-key", kind: .value, valueName: "FILE", commands: OptionTable.decrypting,
        abstract: "Decrypt a JWE with the private key in FILE: PEM (PKCS#8, PKCS#1, SEC1), a JWK or a JWK set (repeatable).",
        discussion:
            "Keys are chosen by the token's kid (or x5t); when none matches, every key that can serve the token's alg is tried, as APIM does. RSA keys serve RSA-OAEP, RSA-OAEP-256 and RSA1_5 (deprecated, reported); EC keys on P-256, P-384 and P-521 serve ECDH-ES and ECDH-ES+A128KW, +A192KW, +A256KW; symmetric JWKs (oct) serve A128KW, A192KW, A256KW, A128GCMKW, A192GCMKW, A256GCMKW and dir. A key's JWK alg pins it to that algorithm. The files are read only when the token is a JWE; a signed token (JWS) has nothing to decrypt and is judged as before. Key material is never printed.",
        completion: .file, repeatable: true)


    // What the token must say.
    public static let issuer = OptionSpec(
        long: "issuer", kind: .value, valueName: "ISS", commands: OptionTable.verifying,
        abstract: "Accept tokens from issuer ISS (repeatable: any of them).",
        discussion: "Compared exactly. Required with local keys unless --any-issuer is given; discovery supplies it.",
        repeatable: true)

    public static let anyIssuer = OptionSpec(
        long: "any-issuer", kind: .flag, commands: OptionTable.verifying,
        abstract: "Accept any issuer (say so on purpose: a token from any tenant or provider would pass).")

    public static let audience = OptionSpec(
        long: "audience", kind: .value, valueName: "AUD", commands: OptionTable.verifying,
        abstract: "Accept tokens for audience AUD (repeatable: any of them).",
        discussion:
            "Required unless --any-audience is given: without it, a token issued for another API would pass. Compared exactly; the report points out api://GUID versus GUID and trailing slashes.",
        repeatable: true)

    public static let anyAudience = OptionSpec(
        long: "any-audience", kind: .flag, commands: OptionTable.verifying,
        abstract: "Accept any audience (say so on purpose: a token for another API would pass).")

    public static let clientID = OptionSpec(
        long: "client-id", kind: .value, valueName: "ID", commands: OptionTable.verifying,
        abstract: "Accept only tokens requested by client ID (appid in v1.0, azp in v2.0; repeatable).",
        repeatable: true)

    public static let requireCertificate = OptionSpec(
        long: "require-certificate", kind: .flag, commands: OptionTable.verifying,
        abstract: "Require that the client authenticated with a certificate (appidacr or azpacr \"2\").",
        discussion:
            "Fails the credential check for tokens obtained with a client secret (\"1\") or by a public client (\"0\"). Managed identities and federated credentials also show \"2\".")

    public static let requireClaim = OptionSpec(
        long: "require-claim", kind: .value, valueName: "NAME=VALUE", commands: OptionTable.verifying,
        abstract: "Require claim NAME to carry VALUE (repeatable; arrays match any element, scp is split on spaces).",
        repeatable: true, pair: Pair(expected: "NAME=VALUE, such as roles=Orders.Read"))

    public static let alg = OptionSpec(
        long: "alg", kind: .value, valueName: "ALG", commands: OptionTable.verifying,
        abstract: "Allow only algorithm ALG (repeatable). Default: what the key can do; HS* only with a secret.",
        discussion: "none is never accepted, in any spelling. HS* verifies only with --secret-file, --secret-env, or one symmetric JWK given with --key and this option: a symmetric key from a key set or a provider is never used.",
        choices: ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "HS256", "HS384", "HS512"],
        completion: .choices, repeatable: true)

    public static let clockSkew = OptionSpec(
        long: "clock-skew", kind: .value, valueName: "SECONDS", commands: OptionTable.verifying,
        abstract: "Tolerate SECONDS of clock difference on exp, nbf and iat (default 0, as APIM).",
        discussion: "Microsoft.IdentityModel defaults to 300 seconds; APIM's validate-jwt to 0. The value used is printed in the report.")

    public static let allowMissingExp = OptionSpec(
        long: "allow-missing-exp", kind: .flag, commands: OptionTable.verifying,
        abstract: "Accept a token without exp (a warning instead of a failure).")

    // Network.
    public static let authority = OptionSpec(
        long: "authority", kind: .value, valueName: "URL", commands: OptionTable.fetching,
        abstract: "The Entra authority for --tenant and validate-azure-ad-token (default https://login.microsoftonline.com).",
        discussion: "Set it for a national cloud (https://login.microsoftonline.us, https://login.partner.microsoftonline.cn, https://login.chinacloudapi.cn) or a test server.")

    public static let cacert = OptionSpec(
        long: "cacert", kind: .value, valueName: "FILE", commands: OptionTable.fetching,
        abstract: "Trust the CA certificates in FILE (PEM) for HTTPS, instead of the system store.",
        completion: .file)

    public static let timeout = OptionSpec(
        long: "timeout", kind: .value, valueName: "SECONDS", commands: OptionTable.fetching,
        abstract: "Give up a fetch after SECONDS (connect and transfer; default 10).")

    public static let allowHTTP = OptionSpec(
        long: "allow-http", kind: .flag, commands: OptionTable.fetching,
        abstract: "Allow plain http:// URLs, for loopback addresses only (tests and local providers).")

    public static let cacheDirectory = OptionSpec(
        long: "cache-dir", kind: .value, valueName: "DIR", commands: OptionTable.fetching,
        abstract: "Cache metadata and key sets in DIR (default $XDG_CACHE_HOME/jwtaudit or ~/.cache/jwtaudit).",
        discussion:
            "A relative DIR is taken from the working directory; missing directories are made with mode 0700. An entry stays fresh for the response's Cache-Control max-age, at most 24 hours (one hour without one); a no-cache, negative or unreadable max-age means it is fetched again next time. Only regular files owned by you and writable by no one else are read: anything else found where an entry should be (a FIFO, a link, a torn file) is ignored with a note, and the document is fetched again.",
        completion: .directory)

    public static let noCache = OptionSpec(
        long: "no-cache", kind: .flag, commands: OptionTable.fetching,
        abstract: "Neither read nor write the cache.")

    public static let offline = OptionSpec(
        long: "offline", kind: .flag, commands: OptionTable.fetching,
        abstract: "Never use the network: use the cache whatever its age, and exit 2 when it has nothing.",
        discussion: "The report says when a cached document is stale. With nothing cached, the URL that would have been fetched is named.")

    // Policies (check-policy; explain narrates the same evaluation).
    public static let policy = OptionSpec(
        long: "policy", kind: .value, valueName: "PATH", commands: OptionTable.policyReading,
        abstract: "Read APIM policies from PATH: an XML file, an APIOps tree, a .bicep, ARM .json or Terraform file, or a directory (repeatable).",
        discussion:
            "An XML file is a whole <policies> document, a <fragment> or bare policy statements; several XML files with a token are scopes, outermost first, composed with <base />. An APIOps artifacts directory (policy.xml at every scope, products, fragments, named values, workspaces, revisions), a .bicep file (policy resources with inline text or loadTextContent), an ARM template or a Terraform file is read as one service: every operation's effective policy in every product context is composed (global, workspace, product, API, operation), fragments inlined and named values substituted. Any other directory is walked for all of these (hidden directories and symbolic links to directories are not entered). Files a template loads are read only inside the directory jwtaudit runs in (or PATH's own directory when PATH is elsewhere). Without a token, each PATH is linted, and findings name the file and line where the text is.",
        completion: .file, repeatable: true)

    public static let environment = OptionSpec(
        long: "environment", kind: .value, valueName: "FILE", commands: OptionTable.policyReading,
        abstract: "Apply an APIOps configuration.<env>.yaml: its named values and policies override the tree's.",
        discussion:
            "The publisher's overrides per environment: namedValues, policies, apis (with operations), products, policyFragments and workspaces, as lists of {name, properties} or maps keyed by name. Lint then judges the policies as deployed to that environment.",
        completion: .file)

    public static let api = OptionSpec(
        long: "api", kind: .value, valueName: "NAME", commands: OptionTable.policyReading,
        abstract: "Choose the API NAME of a policy tree or template (a revision is NAME;rev=N; a workspace's is WORKSPACE/NAME).",
        discussion: "With --operation, --product or --no-product it picks one effective policy; when a choice is missing, the error lists the choices (exit 3). Lint then judges that effective policy only, and a token is evaluated against it; --matrix shows every effective policy the options leave.")

    public static let operation = OptionSpec(
        long: "operation", kind: .value, valueName: "NAME", commands: OptionTable.policyReading,
        abstract: "Choose the operation NAME (its name, or METHOD /url as in the API's specification).")

    public static let product = OptionSpec(
        long: "product", kind: .value, valueName: "NAME", commands: OptionTable.policyReading,
        abstract: "Choose the context of product NAME: its policy runs (with its key, or keyless for an open product).",
        discussion: "At most one product policy runs per request: the product of the subscription key, or the API's open product when no key is sent.")

    public static let noProduct = OptionSpec(
        long: "no-product", kind: .flag, commands: OptionTable.policyReading,
        abstract: "Choose the context with no product policy (keyless, or an API-scoped, all-APIs or built-in key).")

    public static let namedValue = OptionSpec(
        long: "named-value", kind: .value, valueName: "NAME=VALUE", commands: OptionTable.policyReading,
        abstract: "Substitute VALUE for {{NAME}} in the policy (repeatable).",
        discussion:
            "Named values are substituted in one pass, as APIM does. A name the policy uses but nobody supplied is bad input (exit 3), and every missing name is listed at once. Overrides --named-values.",
        repeatable: true, pair: Pair(expected: "NAME=VALUE"))

    public static let namedValues = OptionSpec(
        long: "named-values", kind: .value, valueName: "FILE", commands: OptionTable.policyReading,
        abstract: "Read named values from FILE, a JSON object of names to string values.",
        completion: .file)

    public static let certificate = OptionSpec(
        long: "certificate", kind: .value, valueName: "ID=FILE", commands: OptionTable.policyReading,
        abstract: "Use the certificate (PEM) in FILE for the policy's certificate-id ID (repeatable).",
        discussion:
            "APIM keys named by certificate-id are certificates uploaded to the service; give the public certificate (or public key) here. For a <decryption-keys> certificate-id, FILE must hold the private key (APIM's certificates are PFX files with their key): PEM (PKCS#8, PKCS#1, SEC1, alone or with the certificate) or a JWK with private members; a certificate alone cannot decrypt, and the run stops with exit status 2, naming ID and FILE.",
        repeatable: true, pair: Pair(valueRequired: true, expected: "ID=FILE"))

    public static let requestHeader = OptionSpec(
        long: "request-header", kind: .value, valueName: "HEADER", commands: OptionTable.policyReading,
        abstract: "Send the header \"Name: value\" exactly as a client would (repeatable), instead of a token.",
        discussion:
            "Reproduces a client's request, scheme and all: Authorization: Bearer eyJ... or a custom header. Without it, the token argument is placed where each policy reads it.",
        repeatable: true)

    public static let expressionValue = OptionSpec(
        long: "expression-value", kind: .value, valueName: "EXPR=VALUE", commands: OptionTable.policyReading,
        abstract: "Take VALUE as the result of the policy expression EXPR (repeatable).",
        discussion:
            "Policy expressions (@(...) and @{...}) are C# and cannot run offline. EXPR is the expression as it reads in the policy after named values and XML entities are replaced, from its @ to its closing bracket (white space may be laid out differently: a multi-line @{...} block matches written on one line); the first = after that bracket starts VALUE. A <when> condition takes true or false, a token-value expression the token itself. Example: --expression-value '@(context.Variables[\"aud\"])=https://myapi.dewi.red'.",
        repeatable: true,
        pair: Pair(.expression, expected: "@(expression)=VALUE or @{statements}=VALUE, the expression exactly as in the policy"))

    public static let format = OptionSpec(
        long: "format", kind: .value, valueName: "FORMAT", commands: [OptionTable.checkPolicy],
        abstract: "Write lint findings as text, json or sarif (SARIF 2.1.0 for code scanning; default text).",
        discussion: "--json is the same as --format json; with --format text or sarif it is a usage error (64).",
        choices: ["text", "json", "sarif"], completion: .choices)

    public static let failOn = OptionSpec(
        long: "fail-on", kind: .value, valueName: "LEVEL", commands: [OptionTable.checkPolicy],
        abstract: "Exit 1 when lint finds something at LEVEL or above: error, warning, info or never (default warning).",
        choices: ["error", "warning", "info", "never"], completion: .choices)

    public static let matrix = OptionSpec(
        long: "matrix", kind: .flag, commands: [OptionTable.checkPolicy],
        abstract: "Show which client tokens each effective policy admits: v1.0 and v2.0, app, managed identity, user.",
        discussion:
            "One row per kind of token: an app with a certificate, an app with a secret, a public client (on a user's behalf), a managed identity and a user through a client with a certificate, each as v1.0 and v2.0 tokens; each row says whether the gateway admits it, the status, the LastError reason and the claim that decided. The tokens are made from the policy's own tenant, audiences, allowed clients and required claims, and their signatures are assumed valid (the output says so): everything else is evaluated as with a token. Every operation in every product context is shown, or the one --api, --operation, --product or --no-product choose. The issuer an openid-config names comes from the cache (never the network), else from its URL (said to be inferred). Exit status 0: it is a report (a policy that cannot be evaluated, a named value without a value, is listed with the reason); 3 when the sources cannot be read, 64 with a token.")

    // Batch.
    public static let batch = OptionSpec(
        long: "batch", kind: .flag, commands: OptionTable.batching,
        abstract: "Read tokens one per line (files or standard input) and write one JSON object per line.",
        discussion:
            "A line may hold the token bare, after Bearer, or in an Authorization: header line as gateway and proxy logs write it (the token is found as for one token). Blank lines are skipped. Lines are numbered across the files as if they were concatenated, and answered in input order, using every core; memory stays flat whatever the input size. "
            + "verify: each output line is {\"line\", \"valid\", \"failed\", \"credential\", \"client\", \"tokenVersion\", \"aud\", \"exp\", \"kid\", \"reasons\"}: the failed check ids, the credential kind; who the token is: the client (appid, or azp in v2.0), the token version, aud and exp exactly as the token has them, the kid (null where the token has none); and reasons, an object giving for each failed check why (its detail, with what was expected and found). A line that is not a token also has an error (failed format), and so does a token whose keys could not be obtained (failed key; it is counted as undecided). A summary goes to standard error. The exit status is 0 only when every token is valid, 1 when some are not, 2 when the keys of any token could not be obtained (2 wins over 1: the run could not decide on every token), 3 when the input holds no token. "
            + "check-policy (a dry run of the policy over real traffic): each line is evaluated against the effective policy exactly as one token is, with the same keys; each output line is {\"line\", \"accepted\", \"statusCode\", \"lastError\" ({\"source\", \"reason\", \"message\"}, null when accepted), \"tenant\", \"client\", \"tokenVersion\", \"credential\"}, and an \"error\" (with statusCode and lastError null) for a line that holds no token, a token whose keys could not be obtained, or one --at iat cannot judge. The exit status is 0 when every line is admitted, 1 when any is refused or holds no token, 2 when the keys of any could not be obtained, 3 when no line holds a token. "
            + "decode: each output line is the decode --json document of the line's token, with \"line\" first; a line that holds no token is {\"line\", \"error\"}; exit status 0 when every line was decoded, 1 when some were not, 3 when none held a token. "
            + "When standard error is a terminal and the run takes more than a second, a progress line there counts the lines, the rate and the time elapsed, and is erased before the summary; when standard input is a terminal, a line says that tokens are read from it. After an interrupt the exit status is 130 (the summary so far is printed; an interrupt also stops fetches in flight). A closed standard output ends the run quietly.")

    public static let summary = OptionSpec(
        long: "summary", kind: .flag, commands: [OptionTable.checkPolicy, OptionTable.decode],
        abstract: "With --batch, print one row per caller (tenant, client, token version, credential) instead of a line per token.",
        discussion:
            "check-policy: the tokens each caller sent, how many the policy admits and refuses, and the main refusal reason with its count; the callers that would break come first, then totals. decode: the same callers without a policy, the inventory to write one from. Lines that hold no token are a row of their own, never dropped. Text is a table per tenant that fits 100 columns; with --json, one document: {\"groups\": [{\"tenant\", \"client\", \"tokenVersion\", \"credential\", \"tokens\", \"admitted\", \"refused\", \"reasons\": {REASON: COUNT}}], \"totals\": {\"lines\", \"malformed\", \"groups\", \"tokens\", \"admitted\", \"refused\", \"reasons\"}, \"at\"} (decode has no admitted and refused). The reasons are the gateway's LastError reasons, and malformed, keys-unavailable and no-iat for lines that could not be judged. At most 10,000 callers are kept apart; more are counted as (other callers). The exit status is the one the batch would have.")

    public static let jobs = OptionSpec(
        long: "jobs", short: "j", kind: .value, valueName: "N", commands: OptionTable.batching,
        abstract: "Work with N threads in --batch mode (default: the number of cores).")

    public static let help = OptionSpec(
        long: "help", short: "h", kind: .flag, commands: [CommandSpec.topLevel] + OptionTable.commands.map(\.name),
        abstract: "Show help information.")

    public static let version = OptionSpec(
        long: "version", kind: .flag, commands: [CommandSpec.topLevel] + OptionTable.commands.map(\.name),
        abstract: "Show the version, the OpenSSL it runs on, the Swift that built it and its git commit.")
}
