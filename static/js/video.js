// Click-to-load videos: the provider's player (and its scripts and cookies) loads
// only after the visitor presses play. See templates/blocks/video.html.
(function () {
  function load(button) {
    var frame = button.closest("[data-video]");
    var embed = frame && frame.querySelector("template[data-video-embed]");
    if (!embed) return;
    var content = embed.content.cloneNode(true);
    var iframe = content.querySelector("iframe");
    if (iframe && iframe.src) {
      // The visitor already asked to play: start at once instead of asking twice.
      var src = new URL(iframe.src, document.baseURI);
      src.searchParams.set("autoplay", "1");
      iframe.src = src.toString();
      iframe.allow = (iframe.allow ? iframe.allow + "; " : "") + "autoplay";
    }
    frame.classList.remove("video-placeholder");
    frame.replaceChildren(content);
    if (iframe) iframe.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-video-play]");
    if (button) load(button);
  });
})();
