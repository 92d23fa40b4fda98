// Photo input: file picker, drag and drop onto the drop zone, and paste.

export function mountUpload({ input, dropzone }, onFile) {
  const take = (file) => file && onFile(file); // the server says what is wrong with a bad one
  input.addEventListener('change', () => {
    take(input.files[0]);
    input.value = '';
  });
  for (const type of ['dragenter', 'dragover']) {
    dropzone.addEventListener(type, (e) => {
      e.preventDefault();
      dropzone.classList.add('dragging');
    });
  }
  for (const type of ['dragleave', 'drop']) {
    dropzone.addEventListener(type, () => dropzone.classList.remove('dragging'));
  }
  dropzone.addEventListener('drop', (e) => {
    e.preventDefault();
    take(e.dataTransfer.files[0]);
  });
  document.addEventListener('paste', (e) => {
    const item = [...(e.clipboardData?.items || [])].find((i) => i.kind === 'file');
    if (item) take(item.getAsFile());
  });
}
