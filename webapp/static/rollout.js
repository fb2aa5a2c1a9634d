// Instance view: the instance's own diagram (bpmn-js NavigatedViewer, read-only) with the waiting tasks highlighted.
// Its texts come from the page (rollout/instance.html: #i18n-texts), in the reader's language.
(function () {
  var container = document.getElementById('diagram');
  var source = document.getElementById('diagram-xml');
  if (!container || !source || !window.BpmnJS) { return; }
  var viewer = new window.BpmnJS({ container: container });
  var xml = source.textContent.replace(/<\\\//g, '</');
  viewer.importXML(xml).then(function () {
    viewer.get('canvas').zoom('fit-viewport');
    var canvas = viewer.get('canvas');
    (container.dataset.waiting || '').split(',').filter(Boolean).forEach(function (id) {
      try { canvas.addMarker(id, 'waiting-task'); } catch (e) { /* not drawn in this version */ }
    });
    container.dataset.rendered = 'yes';
  }).catch(function (err) {
    var texts = JSON.parse(document.getElementById('i18n-texts').textContent);
    container.textContent = texts.loadError.replace('{error}', function () { return err.message; });
  });
})();
