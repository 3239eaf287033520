// Profile page: the "Copy" button beside a new API token (shown once) copies it to the
// clipboard and says so; where the clipboard is refused, the token is selected instead so
// that the person can copy it with the keyboard.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-from]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyFrom);
  const status = document.getElementById(button.dataset.copyStatus);
  if (!field) return;
  try {
    await navigator.clipboard.writeText(field.value);
    if (status) status.textContent = "Copied to the clipboard.";
  } catch {
    field.focus();
    field.select();
    if (status) status.textContent = "Selected: copy it with Ctrl+C (⌘C on a Mac).";
  }
});
