<policies>
  <inbound>
    <base />
    <rate-limit calls="${calls_per_minute}" renewal-period="60" />
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
