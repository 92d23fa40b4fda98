// English: presenter mode (every page).
export default {
  'present.on': 'Present',
  'present.off': 'Exit presenter',
  'present.bar': 'Presenter tools',
  'present.fullscreen': 'Full screen',
  'present.join': 'Students join',
  'present.black': 'Black screen (B)',
  'present.join.heading': 'Open this on your phone or laptop',
  'present.join.note': 'Scan the code or type the address. Your device must be on the same network as this computer.',
  'present.join.local': 'The server only listens on this computer: restart it with python app.py --host 0.0.0.0 so that students can connect.',
  'present.join.nolan': 'No network address found: connect this computer to the classroom network.',
  'present.join.close': 'Esc or a click closes this.',
};
