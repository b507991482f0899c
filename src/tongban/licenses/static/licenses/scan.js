// The verifier page's QR reading: the camera (getUserMedia) or a picture, decoded by jsQR (npm), then the
// text goes into the form and is submitted — the server does every check. Words come from data- attributes.
(function () {
  "use strict";
  var words = document.getElementById("scan-script").dataset;
  var status = document.getElementById("scan-status");
  var form = document.getElementById("verify-form");
  var field = document.getElementById("token");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });

  function read(source, width, height) {
    canvas.width = width; canvas.height = height;
    context.drawImage(source, 0, 0, width, height);
    var code = window.jsQR(context.getImageData(0, 0, width, height).data, width, height);
    return code ? code.data : null;
  }
  function found(text) {
    status.textContent = words.found;
    field.value = text;
    form.submit();
  }

  document.getElementById("scan-image").addEventListener("change", function (event) {
    var file = event.target.files[0];
    if (!file) return;
    var image = new Image();
    image.onload = function () {
      var text = read(image, image.naturalWidth, image.naturalHeight);
      URL.revokeObjectURL(image.src);
      if (text) found(text); else status.textContent = words.none;
    };
    image.src = URL.createObjectURL(file);
  });

  document.getElementById("scan-start").addEventListener("click", function () {
    var video = document.getElementById("scan-video");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { status.textContent = words.camera; return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream; video.hidden = false; video.play();
      (function tick() {
        if (video.readyState === video.HAVE_ENOUGH_DATA) {
          var text = read(video, video.videoWidth, video.videoHeight);
          if (text) { stream.getTracks().forEach(function (t) { t.stop(); }); found(text); return; }
        }
        requestAnimationFrame(tick);
      })();
    }).catch(function () { status.textContent = words.camera; });
  });
})();
