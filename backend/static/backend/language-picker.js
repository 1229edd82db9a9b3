// The admin's language picker submits on change (an external file, so the CSP needs no inline script).
document.addEventListener("DOMContentLoaded", function () {
  var picker = document.getElementById("language-picker");
  if (picker) {
    picker.addEventListener("change", function () { picker.form.submit(); });
  }
});
