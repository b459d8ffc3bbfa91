/// Which product policy, if any, runs for a request. Microsoft (api-management-subscriptions): "If you're using an
/// API-scoped subscription, an all-APIs subscription, or the built-in all-access subscription, policies configured
/// at the product scope aren't applied"; without a key, the API's open product runs, else, when the API requires
/// no subscription, no product does. So at most one product policy runs per request.
public enum ProductContext: Sendable, Hashable {
    /// A product's policy runs: with its subscription key, or with no key for the open product.
    case product(String, open: Bool)
    /// No product policy runs: keyless (the API requires no subscription and no open product holds it), or with
    /// an API-scoped, all-APIs or built-in all-access key.
    case noProduct(keyless: Bool)

    public var productName: String? {
        if case .product(let name, _) = self { return name }
        return nil
    }

    public var description: String {
        switch self {
        case .product(let name, let open):
            return "product \(name) (\(open ? "open: no key needed" : "with its subscription key"))"
        case .noProduct(let keyless):
            return keyless
                ? "no product (keyless: the API requires no subscription and no open product holds it)"
                : "no product (an API-scoped, all-APIs or built-in all-access key)"
        }
    }
}

/// The policy one operation runs in one product context: global → workspace → product → API → operation,
/// composed through `<base />`, fragments inlined and named values substituted.
public struct EffectivePolicy: Sendable {
    public var workspace: String?
    public var api: String
    /// The operation's name; nil when the sources name no operations of the API (the API's policy for all).
    public var operation: String?
    public var method: String?
    public var urlTemplate: String?
    public var context: ProductContext
    public var document: PolicyDocument
    /// Scopes in the chain whose text is not known (not resolvable, unreadable): what they add is missing.
    public var unknownScopes: [String]

    public var scope: PolicyScope {
        PolicyScope(workspace: workspace, product: context.productName, api: api, operation: operation)
    }

    /// "API orders, operation get-order (GET /orders/{id}), no product (...)".
    public var label: String {
        var parts: [String] = []
        if let workspace { parts.append("workspace \(workspace)") }
        parts.append("API \(api)")
        if let operation {
            let route = [method, urlTemplate].compactMap { $0 }.joined(separator: " ")
            parts.append("operation \(operation)\(route.isEmpty ? "" : " (\(route))")")
        } else {
            parts.append("all operations")
        }
        parts.append(context.description)
        return parts.joined(separator: ", ")
    }
}

/// `--api`, `--operation`, `--product` and `--no-product`: which effective policy a token is evaluated against.
public struct PolicySelection: Sendable, Equatable {
    public var api: String?
    public var operation: String?
    public var product: String?
    public var noProduct: Bool

    public init(api: String? = nil, operation: String? = nil, product: String? = nil, noProduct: Bool = false) {
        self.api = api
        self.operation = operation
        self.product = product
        self.noProduct = noProduct
    }

    public var isEmpty: Bool { api == nil && operation == nil && product == nil && !noProduct }
}
