// fascicolo's GraphiQL page: GraphiQL and React come from this server (no CDN, so the page
// works on a network without the internet); in the demo, a token per role, minted when the
// page was loaded, is sent with every request unless the Headers tab sets Authorization.
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('fascicolo-config').textContent);
  var picker = document.getElementById('role');
  var hint = document.getElementById('hint');

  if (config.tokens.length > 0) {
    config.tokens.forEach(function (t) {
      var option = document.createElement('option');
      option.value = t.role;
      option.textContent = t.role + ' (' + t.subject + (t.office ? ', ' + t.office : '') + ')';
      picker.appendChild(option);
    });
    hint.textContent = 'demo tokens, valid 12 h from this page load';
  } else {
    picker.hidden = true;
    hint.textContent = 'set "Authorization": "Bearer <token>" in the Headers tab below';
  }

  function chosenToken() {
    var role = picker.value;
    var found = config.tokens.filter(function (t) { return t.role === role; })[0];
    return found ? found.token : null;
  }

  function fetcher(params, options) {
    var headers = new Headers({
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json'
    });
    var token = chosenToken();
    if (token) {
      headers.set('authorization', 'Bearer ' + token);
    }
    // what the Headers tab says wins, Authorization included
    var own = (options && options.headers) || {};
    Object.keys(own).forEach(function (name) { headers.set(name, own[name]); });
    return fetch(config.endpoint, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(params),
      credentials: 'omit'
    }).then(function (response) { return response.json(); });
  }

  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: config.defaultQuery,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false
    })
  );
})();
