document.body.dataset.ready = String(performance.now());
