// Optional enhancement: a Print button for the card page (without script, the browser's own Print works).
document.querySelectorAll(".js-print").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
