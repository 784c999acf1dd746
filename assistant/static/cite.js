// A click on [n] in an answer scrolls to that passage's card and highlights it for a moment.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a.cite");
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const card = document.getElementById(link.getAttribute("href").slice(1));
  if (!card) return; // an earlier answer's cards were replaced by the latest answer's
  card.scrollIntoView({ behavior: "smooth", block: "center" });
  card.classList.remove("flash");
  void card.offsetWidth; // restart the animation on a second click
  card.classList.add("flash");
  card.focus({ preventScroll: true });
}, true);
