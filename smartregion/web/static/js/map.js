// Renders every .sr-map from the GeoJSON in its data-geojson <script> element. No tile server
// is contacted unless the operator configured one (data-tile-url): the default map shows points
// and labels only, so the page makes no third-party request.
(function () {
  "use strict";

  // A picker map (data-pick-latitude/-longitude name two inputs) fills them in where it is clicked and
  // shows what is typed. It is hidden until this script runs: without JavaScript it could do nothing.
  function enablePicking(map, element) {
    var latitude = document.getElementById(element.dataset.pickLatitude);
    var longitude = document.getElementById(element.dataset.pickLongitude);
    if (!latitude || !longitude) {
      return;
    }
    var chosen = null;
    function show(latlng) {
      if (chosen) {
        chosen.setLatLng(latlng);
      } else {
        chosen = L.circleMarker(latlng, { radius: 9, color: "#7a1f00", weight: 3, fillColor: "#e8590c", fillOpacity: 0.8 });
        chosen.addTo(map);
      }
    }
    function fromInputs() {
      var lat = parseFloat(latitude.value);
      var lng = parseFloat(longitude.value);
      if (isFinite(lat) && isFinite(lng)) {
        show(L.latLng(lat, lng));
      }
    }
    map.on("click", function (event) {
      latitude.value = event.latlng.lat.toFixed(5);
      longitude.value = event.latlng.lng.toFixed(5);
      show(event.latlng);
    });
    latitude.addEventListener("change", fromInputs);
    longitude.addEventListener("change", fromInputs);
    fromInputs();
  }

  // Permanent labels (municipality names) must not cover each other: "Mayen" sits right next to
  // "Vordereifel". The most populous places are placed first; each label tries the sides of its point
  // in turn, first avoiding other points too, and is hidden (its name stays in the tooltip on hover, and
  // in the table) if no side is free of other names.
  var SIDES = ["right", "left", "top", "bottom"];

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function declutter(markers) {
    var points = markers.map(function (marker) {
      return marker.getElement().getBoundingClientRect();
    });
    var labels = [];
    markers.forEach(function (marker, index) {
      var name = marker.getTooltip().getContent();
      var others = points.filter(function (_point, other) { return other !== index; });
      // Best a side that covers neither a name nor a point; else one that covers only a point.
      var free = [labels.concat(others), labels].some(function (obstacles) {
        return SIDES.some(function (side) {
          marker.unbindTooltip();
          marker.bindTooltip(name, { permanent: true, direction: side, className: "sr-map-label" }).openTooltip();
          var box = marker.getTooltip().getElement().getBoundingClientRect();
          var taken = obstacles.some(function (other) { return overlaps(box, other); });
          if (!taken) {
            labels.push(box);
          }
          return !taken;
        });
      });
      if (!free) {
        marker.unbindTooltip();
        marker.bindTooltip(name, { direction: "right", className: "sr-map-label" });
      }
    });
  }

  function renderMap(element) {
    var source = document.getElementById(element.dataset.geojson);
    if (!source || typeof L === "undefined") {
      return;
    }
    var figure = element.closest(".sr-map-figure");
    if (figure && figure.hidden) {
      figure.hidden = false;
    }
    var data = JSON.parse(source.textContent);
    var map = L.map(element, {
      scrollWheelZoom: false,
      zoomControl: false,
      attributionControl: Boolean(element.dataset.tileUrl),
    });
    // The zoom buttons' titles come translated from the template (Leaflet only knows English).
    L.control
      .zoom({ zoomInTitle: element.dataset.zoomIn || "Zoom in", zoomOutTitle: element.dataset.zoomOut || "Zoom out" })
      .addTo(map);
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { attribution: element.dataset.tileAttribution || "" }).addTo(map);
    }
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        // Municipalities grow with their population, ideas with their supports.
        var size = feature.properties.population
          ? Math.sqrt(feature.properties.population) / 40
          : Math.min(Math.sqrt(feature.properties.supports || 0), 10);
        return L.circleMarker(latlng, {
          radius: 6 + size,
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
        // A few municipality names stay readable as permanent labels; many idea titles would overlap.
        var permanent = feature.properties.population !== undefined;
        marker.bindTooltip(feature.properties.name, { permanent: permanent, direction: "right", className: "sr-map-label" });
        marker.bindPopup(label);
      },
    });
    // The view comes first: Leaflet cannot draw a marker on a map that has none yet.
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.15), { maxZoom: 11 });
    } else {
      map.setView([50.35, 7.4], 10);
    }
    layer.addTo(map);
    var labelled = layer.getLayers().filter(function (marker) {
      return marker.feature.properties.population !== undefined;
    }).sort(function (a, b) {
      return b.feature.properties.population - a.feature.properties.population;
    });
    if (labelled.length) {
      declutter(labelled);
      map.on("zoomend", function () { declutter(labelled); });
    }
    if (element.dataset.pickLatitude) {
      enablePicking(map, element);
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
