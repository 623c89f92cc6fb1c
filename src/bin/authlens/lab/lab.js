// The lab page: one button per scenario. Each makes its request from this page, so the
// browser (and AuthLens) sees a real exchange with the credentials the scenario needs.

const list = document.getElementById('scenarios');

async function load() {
  const response = await fetch('/scenarios.json');
  const { scenarios } = await response.json();
  for (const scenario of scenarios) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.scenario = scenario.id;
    button.textContent = scenario.title;
    const result = document.createElement('output');
    result.dataset.resultFor = scenario.id;
    button.addEventListener('click', async () => {
      result.textContent = '…';
      const res = await fetch(scenario.path, { headers: scenario.requestHeaders, cache: 'no-store' });
      // Read the body, as an app would: until it is read, the request has not finished
      // loading, and DevTools' onRequestFinished does not fire for it.
      await res.text();
      result.textContent = String(res.status);
    });
    item.append(button, ' ', result);
    list.append(item);
  }
  document.body.dataset.ready = 'true';
}

load();
