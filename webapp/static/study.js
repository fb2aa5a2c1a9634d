// The online-course player (courses/player.html): starts this window as the learner's studying window, then sends a
// heartbeat with the play position every data-heartbeat seconds. The server decides everything (webapp/courses/
// study.py); this only shows its answers: seek = sent back to where she got to (no fast-forward), idle = the
// continue-studying prompt, replaced = another window took over, done = the lesson (and maybe the course) is finished.
(function () {
  const box = document.getElementById('study');
  if (!box) return;
  const video = document.getElementById('player');
  const alertBox = document.getElementById('study-alert');
  const message = document.getElementById('study-message');
  const stateText = document.getElementById('study-state');
  const creditedText = document.getElementById('credited');
  const length = Number(box.dataset.length);
  let windowToken = null;
  let stopped = true;
  let credited = 0;
  let documentSeconds = 0;  // a document lesson: seconds on the page while studying
  let timer = null;

  if (video && window.Plyr) {
    // eslint-disable-next-line no-new
    new window.Plyr(video, {iconUrl: box.dataset.icons, blankVideo: '', keyboard: {global: false},
      invertTime: false, settings: []});
  }

  const clock = (s) => Math.floor(s / 60) + ':' + String(Math.floor(s % 60)).padStart(2, '0');
  const position = () => video ? video.currentTime : documentSeconds;

  function post(url, fields) {
    const body = new FormData();
    body.append('csrf_token', box.dataset.csrf);
    Object.entries(fields || {}).forEach(([k, v]) => body.append(k, v));
    return fetch(url, {method: 'POST', body: body, headers: {Accept: 'application/json'}, credentials: 'same-origin'})
      .then((r) => r.json());
  }

  function show(text) {
    message.textContent = text;
    alertBox.classList.remove('d-none');
  }

  function stop(text) {
    stopped = true;
    if (video) video.pause();
    show(text);
  }

  function answer(beat) {
    credited = beat.credited;
    creditedText.textContent = clock(credited);
    box.dataset.credited = String(credited);
    box.dataset.state = beat.state;
    if (beat.state === 'replaced' || beat.state === 'idle') return stop(beat.message);
    if (beat.state === 'seek') {
      if (video) video.currentTime = beat.position;
      stateText.textContent = beat.message;
    }
    if (beat.done) {
      stateText.textContent = beat.course_done ? stateText.dataset.textsCourseDone : stateText.dataset.textsDone;
      box.dataset.done = beat.course_done ? 'course' : 'lesson';
    }
  }

  function beat() {
    if (stopped) return;
    if (!video) documentSeconds = Math.min(length, documentSeconds + Number(box.dataset.heartbeat));
    post(box.dataset.beatUrl, {window: windowToken, position: position().toFixed(1)}).then(answer)
      .catch(() => { stateText.textContent = '…'; });
  }

  function start() {
    return post(box.dataset.startUrl).then((s) => {
      windowToken = s.window;
      stopped = false;
      alertBox.classList.add('d-none');
      answer(s);
      if (video) {
        const resume = () => { video.currentTime = s.position; };
        if (video.readyState >= 1) resume(); else video.addEventListener('loadedmetadata', resume, {once: true});
      } else {
        documentSeconds = s.position;
      }
      box.dataset.window = s.window;
    });
  }

  // No fast-forward: a jump past the point she got to goes back at once (the server would not credit it anyway).
  if (video) {
    let watched = 0;  // the furthest point played without seeking
    video.addEventListener('timeupdate', () => {
      if (!video.seeking && video.currentTime <= watched + 2) watched = Math.max(watched, video.currentTime);
    });
    video.addEventListener('seeking', () => {
      const allowed = Math.max(credited, watched) + 1;
      if (video.currentTime > allowed) video.currentTime = Math.max(credited, watched);
    });
  }

  document.getElementById('study-continue').addEventListener('click', () => {
    if (box.dataset.state === 'idle') {
      post(box.dataset.continueUrl, {window: windowToken}).then((b) => {
        if (b.state === 'replaced') return stop(b.message);
        stopped = false;
        alertBox.classList.add('d-none');
        box.dataset.state = 'ok';
        if (video) video.play();
      });
    } else {
      start().then(() => { if (video) video.play(); });
    }
  });

  start();
  timer = setInterval(beat, Number(box.dataset.heartbeat) * 1000);
  window.addEventListener('pagehide', () => clearInterval(timer));
})();
