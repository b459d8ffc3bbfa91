// API Management policies for the dewi.red APIs: the service, its named values, a fragment, the Orders API (with
// a revision), the Reports API and its partner product, and the Sales workspace.
@description('Name of the existing API Management instance.')
param apimName string

@description('Tenant that issues the tokens the APIs accept.')
param tenantId string

@secure()
param backendKey string

var ordersAudience = 'https://myapi.dewi.red'

resource apim 'Microsoft.ApiManagement/service@2023-09-01-preview' existing = {
  name: apimName
}

resource tenantIdValue 'Microsoft.ApiManagement/service/namedValues@2023-09-01-preview' = {
  parent: apim
  name: 'tenant-id'
  properties: {
    displayName: 'tenant-id'
    value: tenantId
  }
}

resource backendKeyValue 'Microsoft.ApiManagement/service/namedValues@2023-09-01-preview' = {
  parent: apim
  name: 'backend-key'
  properties: {
    displayName: 'backend-key'
    secret: true
    value: backendKey
  }
}

resource globalPolicy 'Microsoft.ApiManagement/service/policies@2023-09-01-preview' = {
  parent: apim
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: loadTextContent('policies/global.xml')
  }
}

resource tokenFragment 'Microsoft.ApiManagement/service/policyFragments@2023-09-01-preview' = {
  parent: apim
  name: 'validate-tenant-token'
  properties: {
    description: 'Tenant v1.0 tokens for the orders audience, certificate clients only.'
    format: 'rawxml'
    value: '''
<fragment>
  <validate-jwt header-name="Authorization" failed-validation-httpcode="401" failed-validation-error-message="@(context.Request.Headers.ContainsKey("Authorization") ? "Invalid token." : "Token required.")">
    <openid-config url="https://login.microsoftonline.com/{{tenant-id}}/.well-known/openid-configuration" />
    <audiences>
      <audience>https://myapi.dewi.red</audience>
    </audiences>
    <required-claims>
      <claim name="appid" match="any">
        <value>1105ae9f-6be2-42a2-9439-7a17934226ac</value>
      </claim>
      <claim name="appidacr" match="any">
        <value>2</value>
      </claim>
    </required-claims>
  </validate-jwt>
</fragment>
'''
  }
}

resource ordersApi 'Microsoft.ApiManagement/service/apis@2023-09-01-preview' = {
  parent: apim
  name: 'orders'
  properties: {
    displayName: 'Orders'
    path: 'orders'
    protocols: [
      'https'
    ]
    subscriptionRequired: true
  }

  resource ordersPolicy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: '<policies>\n  <inbound>\n    <base />\n    <include-fragment fragment-id="validate-tenant-token" />\n    <set-header name="X-Backend-Key" exists-action="override">\n      <value>{{backend-key}}</value>\n    </set-header>\n  </inbound>\n  <backend><base /></backend>\n  <outbound><base /></outbound>\n  <on-error><base /></on-error>\n</policies>'
    }
    dependsOn: [
      tokenFragment
    ]
  }

  resource getOrder 'operations' = {
    name: 'get-order'
    properties: {
      displayName: 'Get an order'
      method: 'GET'
      urlTemplate: '/orders/{id}'
      templateParameters: [
        {
          name: 'id'
          type: 'string'
          required: true
        }
      ]
    }
  }

  resource createOrder 'operations' = {
    name: 'create-order'
    properties: {
      displayName: 'Create an order'
      method: 'POST'
      urlTemplate: '/orders'
    }

    resource createOrderPolicy 'policies' = {
      name: 'policy'
      properties: {
        format: 'rawxml'
        value: '''
<policies>
  <inbound>
    <base />
    <rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Headers.GetValueOrDefault("Authorization", "").AsJwt()?.Claims.GetValueOrDefault("appid", "anonymous"))" />
  </inbound>
  <backend>
    <base />
  </backend>
  <outbound>
    <base />
  </outbound>
  <on-error>
    <base />
  </on-error>
</policies>
'''
      }
    }
  }
}

// Revision 2 of Orders: its API policy was rewritten for batching, without <base /> in inbound.
resource ordersRevision2 'Microsoft.ApiManagement/service/apis@2023-09-01-preview' = {
  parent: apim
  name: 'orders;rev=2'
  properties: {
    path: 'orders'
    apiRevision: '2'
    subscriptionRequired: true
  }
}

resource ordersRevision2Policy 'Microsoft.ApiManagement/service/apis/policies@2023-09-01-preview' = {
  parent: ordersRevision2
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: '<policies><inbound><set-variable name="batch" value="@(context.Request.Headers.GetValueOrDefault("X-Batch", "false") == "true")" /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>'
  }
}

resource reportsApi 'Microsoft.ApiManagement/service/apis@2023-09-01-preview' = {
  parent: apim
  name: 'reports'
  properties: {
    displayName: 'Reports'
    path: 'reports'
    subscriptionRequired: false
  }
}

resource partners 'Microsoft.ApiManagement/service/products@2023-09-01-preview' = {
  parent: apim
  name: 'partners'
  properties: {
    displayName: 'Partners'
    subscriptionRequired: true
    state: 'published'
  }

  resource partnersReports 'apis' = {
    name: reportsApi.name
  }

  resource partnersPolicy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('policies/reports-partners.xml')
    }
  }
}

resource sales 'Microsoft.ApiManagement/service/workspaces@2023-09-01-preview' = {
  parent: apim
  name: 'sales'
  properties: {
    displayName: 'Sales'
  }
}

resource leadsApi 'Microsoft.ApiManagement/service/workspaces/apis@2023-09-01-preview' = {
  parent: sales
  name: 'leads'
  properties: {
    path: 'sales/leads'
    subscriptionRequired: true
  }
}

// The leads policy is templated at deployment: jwtaudit cannot know its text.
resource leadsPolicy 'Microsoft.ApiManagement/service/workspaces/apis/policies@2023-09-01-preview' = {
  parent: leadsApi
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: replace(loadTextContent('policies/global.xml'), '__AUDIENCE__', ordersAudience)
  }
}
