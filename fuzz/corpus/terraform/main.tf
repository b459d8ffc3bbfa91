# API Management policies for the dewi.red APIs, deployed with the azurerm provider.

variable "tenant_id" {
  type        = string
  description = "Tenant that issues the tokens the APIs accept."
}

variable "backend_key" {
  type      = string
  sensitive = true
}

data "azurerm_api_management" "apim" {
  name                = "apim-dewi"
  resource_group_name = "rg-apim"
}

locals {
  apim_id = data.azurerm_api_management.apim.id
}

resource "azurerm_api_management_named_value" "tenant_id" {
  name                = "tenant-id"
  api_management_name = data.azurerm_api_management.apim.name
  resource_group_name = data.azurerm_api_management.apim.resource_group_name
  display_name        = "tenant-id"
  value               = var.tenant_id
}

resource "azurerm_api_management_named_value" "backend_key" {
  name                = "backend-key"
  api_management_name = data.azurerm_api_management.apim.name
  resource_group_name = data.azurerm_api_management.apim.resource_group_name
  display_name        = "backend-key"
  secret              = true
  value               = var.backend_key
}

# The global policy: the tenant's token on every API, from the provider docs' heredoc form.
resource "azurerm_api_management_policy" "global" {
  api_management_id = local.apim_id
  xml_content       = <<XML
<policies>
  <inbound>
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
  </inbound>
  <backend>
    <forward-request />
  </backend>
  <outbound />
  <on-error />
</policies>
XML
}

resource "azurerm_api_management_api" "inventory" {
  name                  = "inventory"
  resource_group_name   = data.azurerm_api_management.apim.resource_group_name
  api_management_name   = data.azurerm_api_management.apim.name
  revision              = "1"
  display_name          = "Inventory"
  path                  = "inventory"
  protocols             = ["https"]
  subscription_required = true
}

resource "azurerm_api_management_api_policy" "inventory" {
  api_name            = azurerm_api_management_api.inventory.name
  api_management_name = data.azurerm_api_management.apim.name
  resource_group_name = data.azurerm_api_management.apim.resource_group_name
  xml_content         = file("${path.module}/policies/inventory-api.xml")
}

resource "azurerm_api_management_api_operation" "list_items" {
  operation_id        = "list-items"
  api_name            = azurerm_api_management_api.inventory.name
  api_management_name = data.azurerm_api_management.apim.name
  resource_group_name = data.azurerm_api_management.apim.resource_group_name
  display_name        = "List items"
  method              = "GET"
  url_template        = "/items"
}

resource "azurerm_api_management_api_operation" "get_stock" {
  operation_id        = "get-stock"
  api_name            = azurerm_api_management_api.inventory.name
  api_management_name = data.azurerm_api_management.apim.name
  resource_group_name = data.azurerm_api_management.apim.resource_group_name
  display_name        = "Get stock"
  method              = "GET"
  url_template        = "/items/{sku}/stock"

  template_parameter {
    name     = "sku"
    type     = "string"
    required = true
  }
}

# The stock operation was tuned for the warehouse scanners; its inbound lost <base /> along the way.
resource "azurerm_api_management_api_operation_policy" "get_stock" {
  api_name            = azurerm_api_management_api_operation.get_stock.api_name
  operation_id        = azurerm_api_management_api_operation.get_stock.operation_id
  api_management_name = data.azurerm_api_management.apim.name
  resource_group_name = data.azurerm_api_management.apim.resource_group_name
  xml_content         = <<-XML
    <policies>
      <inbound>
        <set-header name="X-Backend-Key" exists-action="override">
          <value>{{backend-key}}</value>
        </set-header>
        <cache-lookup vary-by-developer="false" vary-by-developer-groups="false" />
      </inbound>
      <backend>
        <base />
      </backend>
      <outbound>
        <base />
        <cache-store duration="30" />
      </outbound>
      <on-error>
        <base />
      </on-error>
    </policies>
  XML
}

resource "azurerm_api_management_product" "scanners" {
  product_id            = "scanners"
  api_management_name   = data.azurerm_api_management.apim.name
  resource_group_name   = data.azurerm_api_management.apim.resource_group_name
  display_name          = "Warehouse scanners"
  subscription_required = true
  published             = true
}

resource "azurerm_api_management_product_api" "scanners_inventory" {
  api_name            = azurerm_api_management_api.inventory.name
  product_id          = azurerm_api_management_product.scanners.product_id
  api_management_name = data.azurerm_api_management.apim.name
  resource_group_name = data.azurerm_api_management.apim.resource_group_name
}

# The scanners product policy is rendered per environment.
resource "azurerm_api_management_product_policy" "scanners" {
  product_id          = azurerm_api_management_product.scanners.product_id
  api_management_name = data.azurerm_api_management.apim.name
  resource_group_name = data.azurerm_api_management.apim.resource_group_name
  xml_content = templatefile("${path.module}/policies/scanners-product.xml.tpl", {
    calls_per_minute = 600
  })
}

resource "azurerm_api_management_policy_fragment" "correlation" {
  api_management_id = local.apim_id
  name              = "correlation-id"
  format            = "rawxml"
  value             = <<XML
<fragment>
  <set-header name="x-correlation-id" exists-action="skip">
    <value>@(context.RequestId.ToString())</value>
  </set-header>
</fragment>
XML
}
