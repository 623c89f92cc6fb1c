// What each challenge parameter means, and where it is specified. The texts are in
// _locales (param_<name>); the links are fixed spec URLs, never network data.

/** @type {Record<string, string>} */
export const PARAM_SPECS = {
  "realm": "https://www.rfc-editor.org/rfc/rfc9110#section-11.5",
  "scope": "https://www.rfc-editor.org/rfc/rfc6750#section-3",
  "error": "https://www.rfc-editor.org/rfc/rfc6750#section-3.1",
  "error_description": "https://www.rfc-editor.org/rfc/rfc6750#section-3",
  "error_uri": "https://www.rfc-editor.org/rfc/rfc6750#section-3",
  "resource_metadata": "https://www.rfc-editor.org/rfc/rfc9728#section-5.1",
  "acr_values": "https://www.rfc-editor.org/rfc/rfc9470#section-3",
  "max_age": "https://www.rfc-editor.org/rfc/rfc9470#section-3",
  "claims": "https://learn.microsoft.com/entra/identity-platform/claims-challenge",
  "authorization_uri": "https://learn.microsoft.com/entra/identity-platform/claims-challenge",
  "nonce": "https://www.rfc-editor.org/rfc/rfc7616#section-3.3",
  "stale": "https://www.rfc-editor.org/rfc/rfc7616#section-3.3",
  "algorithm": "https://www.rfc-editor.org/rfc/rfc7616#section-3.3",
  "qop": "https://www.rfc-editor.org/rfc/rfc7616#section-3.3",
  "opaque": "https://www.rfc-editor.org/rfc/rfc7616#section-3.3",
  "domain": "https://www.rfc-editor.org/rfc/rfc7616#section-3.3",
  "charset": "https://www.rfc-editor.org/rfc/rfc7617#section-2.1",
  "userhash": "https://www.rfc-editor.org/rfc/rfc7616#section-3.3",
  "algs": "https://www.rfc-editor.org/rfc/rfc9449#section-7.1"
};
