// download.js - saving an API answer as a file: the answer is fetched with
// the session (so no token ends up in a URL), wrapped in a Blob, and
// offered through a temporary <a download> on a Blob URL.

export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has started the download by now; give it a moment anyway.
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function saveText(text, filename, type) {
  saveBlob(new Blob([text], { type }), filename);
}
