// Polls a background job's progress (an import, an impact preview, a migration batch) and reloads the page with its
// result when the worker has finished. Expects #job[data-progress-url][data-status] and #progress-bar.
(function () {
  const job = document.getElementById('job');
  if (!job || !['pending', 'running'].includes(job.dataset.status)) return;
  const bar = document.getElementById('progress-bar');
  const poll = async () => {
    const response = await fetch(job.dataset.progressUrl, {headers: {Accept: 'application/json'}});
    if (!response.ok) return setTimeout(poll, 3000);
    const p = await response.json();
    const percent = p.total ? Math.round(100 * p.done / p.total) : 0;
    bar.style.width = percent + '%';
    bar.textContent = p.done + ' / ' + p.total;
    if (p.status === 'done' || p.status === 'failed') return window.location.reload();
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
})();
