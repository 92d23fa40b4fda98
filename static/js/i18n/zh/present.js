// 简体中文：演示模式（所有页面）。
export default {
  'present.on': '演示模式',
  'present.off': '退出演示',
  'present.bar': '演示工具',
  'present.fullscreen': '全屏',
  'present.join': '学生加入',
  'present.black': '黑屏（B）',
  'present.join.heading': '用你的手机或电脑打开这个地址',
  'present.join.note': '扫描二维码或输入地址。你的设备必须和这台电脑在同一个网络中。',
  'present.join.local': '服务器只在本机上监听：请用 python app.py --host 0.0.0.0 重新启动，学生才能连接。',
  'present.join.nolan': '没有找到网络地址：请把这台电脑连接到教室的网络。',
  'present.join.close': '按 Esc 或点击任意处可关闭此页。',
};
