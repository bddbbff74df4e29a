// Every htmx request carries the CSRF token from the page's meta tags (forms also carry it as a field).
document.addEventListener('htmx:configRequest', function (event) {
  var token = document.querySelector('meta[name="csrf-token"]');
  var header = document.querySelector('meta[name="csrf-header"]');
  if (token && header) {
    event.detail.headers[header.content] = token.content;
  }
});
// A session that expired mid-page: go to the login page instead of swapping it into a fragment.
document.addEventListener('htmx:beforeSwap', function (event) {
  var xhr = event.detail.xhr;
  if (xhr && xhr.responseURL && xhr.responseURL.indexOf('/login') !== -1) {
    window.location.href = '/login';
  }
});
