/* The API documentation page (/docs): Swagger UI, served by the app itself.
 *
 * No inline script (the CSP allows none without a nonce): the OpenAPI URL comes from the
 * data-openapi-url attribute. The online validator badge is off, so the page asks nothing of
 * any other host.
 */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
