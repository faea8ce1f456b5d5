// Loaded at the start of <body>, in place of GOV.UK Frontend's inline snippet
// (the Content Security Policy allows no inline script).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
