// Renders every .sr-map from the GeoJSON in its data-geojson <script> element. No tile server
// is contacted unless the operator configured one (data-tile-url): the default map shows points
// and labels only, so the page makes no third-party request.
(function () {
  "use strict";

  function renderMap(element) {
    var source = document.getElementById(element.dataset.geojson);
    if (!source || typeof L === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var map = L.map(element, { scrollWheelZoom: false, attributionControl: Boolean(element.dataset.tileUrl) });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.tileAttribution || "" }).addTo(map);
    }
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {
          radius: 6 + Math.sqrt(feature.properties.population || 0) / 40,
          color: "#004b76",
          weight: 2,
          fillColor: "#0077b6",
          fillOpacity: 0.6,
        });
      },
      onEachFeature: function (feature, marker) {
        var label = document.createElement("a");
        label.href = feature.properties.url;
        label.textContent = feature.properties.name;
        marker.bindTooltip(feature.properties.name, { permanent: true, direction: "right", className: "sr-map-label" });
        marker.bindPopup(label);
      },
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.15), { maxZoom: 11 });
    } else {
      map.setView([50.35, 7.4], 10);
    }
  }

  function init() {
    document.querySelectorAll(".sr-map").forEach(renderMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
