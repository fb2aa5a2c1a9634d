// Claim form helpers: sub-types per pathway, the claimed hours (applied_hours) pre-filled from the credit table,
// supervisor search.
(function () {
  const form = document.getElementById('claim-form');
  const dataNode = document.getElementById('pathway-data');
  if (form && dataNode && dataNode.textContent.trim()) {
    const pathways = JSON.parse(dataNode.textContent);
    const $ = (name) => form.querySelector(`[name="${name}"]`);
    const hours = $('applied_hours');
    let touched = hours.value !== '';
    hours.addEventListener('input', () => { touched = true; });
    const syncFields = () => {
      const p = pathways[$('pathway').value];
      const sub = $('sub_type');
      Array.from(sub.options).forEach(o => { o.hidden = !!(p && o.value && !p.sub_types.includes(o.value)); });
      if (p && sub.value && !p.sub_types.includes(sub.value)) sub.value = '';
      if (p && !sub.value && p.sub_types.length === 1) sub.value = p.sub_types[0];
      Array.from($('level').options).forEach(o => { o.hidden = !!(p && o.value && !p.levels.includes(o.value)); });
      document.getElementById('field-level').classList.toggle('d-none', !(p && p.levels.length));
      document.getElementById('field-rank').classList.toggle('d-none', !(p && p.rank));
      document.querySelectorAll('.pathway-rule').forEach((el) => {
        el.classList.toggle('d-none', el.dataset.pathway !== $('pathway').value);
      });
    };
    // Each change asks again; only the answer to the latest question is used: an older one that arrives later
    // (a slow network answers out of order) is dropped, its request cancelled.
    let asked = 0;
    let inFlight = null;
    const estimate = async () => {
      syncFields();
      if (touched || !$('pathway').value) return;
      const params = new URLSearchParams({pathway: $('pathway').value, level: $('level').value,
        catalogue: form.dataset.catalogue || '',
        quantity: $('quantity').value || '1', rank: $('rank').value, start: $('start_date').value, end: $('end_date').value});
      const question = ++asked;
      if (inFlight) inFlight.abort();
      inFlight = new AbortController();
      let body;
      try {
        const resp = await fetch(`${form.dataset.estimateUrl}?${params}`, {signal: inFlight.signal});
        if (!resp.ok) return;
        body = await resp.json();
      } catch (err) {
        return;  // cancelled by a newer question, or the network failed: the field keeps its value
      }
      if (question !== asked || touched) return;
      if (body.hours !== null) hours.value = body.hours;
      const p = pathways[$('pathway').value];
      if (p && p.dated && body.quantity) $('quantity').value = body.quantity;
    };
    form.addEventListener('change', (e) => { if (e.target !== hours) estimate(); });
    syncFields();
  }
  document.querySelectorAll('.supervisor-search').forEach((input) => {
    const list = document.getElementById(input.getAttribute('list'));
    let asked = 0;  // as above: the matches of an older search never replace those of the latest
    input.addEventListener('input', async () => {
      const question = ++asked;
      const resp = await fetch(`/claims/supervisors?q=${encodeURIComponent(input.value)}`);
      if (!resp.ok) return;
      const found = await resp.json();
      if (question !== asked) return;
      list.innerHTML = '';
      found.forEach((o) => { const opt = document.createElement('option'); opt.value = o.name; list.appendChild(opt); });
    });
  });
})();
// Submit form: the supervisor search is needed only when the claim goes to a supervising department for review.
(function () {
  const form = document.getElementById('submit-form');
  const pick = document.getElementById('supervisor-pick');
  if (!form || !pick) return;
  const sync = () => {
    const checked = form.querySelector('input[name="target"]:checked');
    pick.classList.toggle('d-none', !checked || checked.value !== 'supervisor');
  };
  form.addEventListener('change', sync);
  sync();
})();
