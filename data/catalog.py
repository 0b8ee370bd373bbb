"""Every user-facing string, as key -> (Simplified Chinese, English).

Placeholders use ``str.format`` names and must be the same in both languages.
"""

from __future__ import annotations

CATALOG: dict[str, tuple[str, str]] = {
    # --- rules: codes, numbers, dates (kiosk/rules) ---
    "uscc.empty": (
        "请输入统一社会信用代码。",
        "Please enter the Unified Social Credit Code.",
    ),
    "uscc.bad_length": (
        "统一社会信用代码应为18位，当前输入为{length}位。",
        "The Unified Social Credit Code must have 18 characters; this one has {length}.",
    ),
    "uscc.bad_chars": (
        "统一社会信用代码含有不允许的字符：{chars}。代码只用数字和大写字母，"
        "不含 I、O、Z、S、V（请核对是否把数字 1、0、2、5 看成了字母）。",
        "The code contains characters that are not allowed: {chars}. It uses only digits and "
        "capital letters, never I, O, Z, S or V (check whether the digits 1, 0, 2 or 5 were "
        "read as letters).",
    ),
    "uscc.bad_format": (
        "统一社会信用代码前8位（登记管理部门、机构类别和行政区划码）应全部为数字，请对照营业执照核对。",
        "The first 8 characters of the code (registering authority, entity type and region) "
        "must all be digits; please compare it with the business licence.",
    ),
    "uscc.bad_check": (
        "统一社会信用代码校验位错误：按前17位计算，第18位应为 {expected}。"
        "请对照营业执照逐位核对，输错的可能是其中任意一位。",
        "The check character is wrong: for the first 17 characters the 18th should be "
        "{expected}. Please compare every character with the business licence; the typing "
        "error may be in any position.",
    ),
    "rid.empty": (
        "请输入身份证号码。",
        "Please enter the ID card number.",
    ),
    "rid.old_15_digit": (
        "这是15位的第一代身份证号码，已不能使用。请经办人出示18位的第二代居民身份证。",
        "This is an old 15-digit ID number, which is no longer accepted. Please ask the agent "
        "for the 18-digit resident ID card.",
    ),
    "rid.bad_length": (
        "身份证号码应为18位，当前输入为{length}位。",
        "The ID card number must have 18 characters; this one has {length}.",
    ),
    "rid.bad_chars": (
        "身份证号码含有不允许的字符：{chars}。前17位只能是数字，最后一位是数字或 X。",
        "The ID card number contains characters that are not allowed: {chars}. The first 17 "
        "must be digits; the last one is a digit or X.",
    ),
    "rid.bad_check": (
        "身份证号码的校验位（最后一位）与前17位不符，号码可能输错了。请对照身份证逐位核对。",
        "The check digit (the last one) does not match the first 17 digits, so the ID number "
        "was probably mistyped. Please compare every digit with the ID card.",
    ),
    "rid.bad_birth_date": (
        "身份证号码中的出生日期（第7至14位）{date} 不成立：不是真实日期、晚于今天或早于1900年。"
        "请核对这几位。",
        "The birth date in the ID number (digits 7 to 14), {date}, is impossible: not a real "
        "date, later than today, or before 1900. Please check these digits.",
    ),
    "rid.unknown_area": (
        "身份证号码前6位的地区码不在该出生年份的全国行政区划表中（可能是已撤销或更名的县区）。"
        "号码仍可使用，请对照身份证核对。",
        "The area code (first 6 digits) of the ID number is not in the national list for the "
        "birth year; the county may have been renamed or merged. The number is still "
        "accepted; please compare it with the ID card.",
    ),
    "keys.first_but_has_keys": (
        "该企业已有{live}把有效的电子钥匙，不能办理首次申领。请改为增办或补办。",
        "This enterprise already holds {live} live electronic key(s), so this cannot be a "
        "first application. Apply for an additional key or a replacement instead.",
    ),
    "keys.additional_without_first": (
        "该企业还没有有效的电子钥匙，不能办理增办。请先办理首次申领。",
        "This enterprise holds no live electronic key, so it cannot ask for an additional "
        "one. Apply for the first key instead.",
    ),
    "keys.limit_reached": (
        "该企业已有{live}把有效的电子钥匙，每家企业最多{limit}把，不能再增办。"
        "遗失或损坏的钥匙可以补办，也可以先注销一把。",
        "This enterprise already holds {live} live electronic keys and the limit is {limit}, "
        "so no additional key can be issued. A lost or damaged key can be replaced, or one "
        "can be cancelled first.",
    ),
    "keys.replacement_needs_old": (
        "补办用于替换一把遗失或损坏的有效钥匙，请先选定被替换的钥匙。没有有效钥匙的企业应办理首次申领。",
        "A replacement takes the place of a lost or damaged live key: please choose the key "
        "it replaces. An enterprise with no live key applies for a first key instead.",
    ),
    "keys.replacement_pending": (
        "这把钥匙已有一把补办的钥匙在办理中，同一把钥匙同时只能补办一次。"
        "请等补办的钥匙交接（旧钥匙作废）后再办理，或先注销补办的钥匙。",
        "This key already has a replacement on its way; a key is replaced only once at a "
        "time. Wait until the replacement is handed over (the old key is then void), or "
        "cancel the pending replacement first.",
    ),
    "tracking.empty": (
        "请输入或扫描回执上的查询码。",
        "Please type or scan the tracking code on the receipt.",
    ),
    "tracking.bad_format": (
        "这不是查询码。查询码形如 BJ01-261125-0007-Q：2个字母、2位窗口号、6位日期、"
        "4位序号和1位校验字符。",
        "This is not a tracking code. A code looks like BJ01-261125-0007-Q: 2 letters, a "
        "2-digit counter number, a 6-digit date, a 4-digit number and a check character.",
    ),
    "tracking.bad_check": (
        "查询码校验不通过，可能有字符输错了。请对照回执重新输入，或直接扫描二维码。",
        "The tracking code does not check out; a character was probably mistyped. Please "
        "type it again from the receipt, or scan the QR code.",
    ),
    "tracking.bad_date": (
        "查询码中的日期不存在，请对照回执核对。",
        "The date in the tracking code does not exist; please check it against the receipt.",
    ),
    "calendar.bad_file": (
        "本地节假日表 {path} 无法使用：{problem}。请修正该文件。",
        "The local holiday table {path} cannot be used: {problem}. Please correct the file.",
    ),
    # --- end rules ---
    # --- app shell ---
    "app.title": ("企业电子钥匙柜台服务", "Enterprise CA Key Counter"),
    "role.clerk": ("窗口人员", "clerk"),
    "role.supervisor": ("主管", "supervisor"),
    "role.admin": ("系统管理员", "admin"),
    "keybar.language": ("English", "中文"),
    "keybar.quit": ("退出程序", "quit"),
    "keybar.open": ("打开业务", "open"),
    "keybar.lock": ("锁屏", "lock"),
    "keybar.log_out": ("退出登录", "log out"),
    "keybar.back": ("返回", "back"),
    "login.username": ("用户名", "User name"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.empty": ("请输入用户名和密码。", "Enter your user name and password."),
    "auth.bad_credentials": (
        "用户名或密码错误，请重新输入。连续输错5次将锁定该账号几分钟。",
        "Wrong user name or password. Five wrong tries in a row lock the account for a few"
        " minutes.",
    ),
    "auth.locked": (
        "该账号因连续输错密码已被锁定，请 {minutes} 分钟后再试，或请系统管理员解锁。",
        "This account is locked after too many wrong passwords. Try again in {minutes} minutes,"
        " or ask an admin to unlock it.",
    ),
    "auth.inactive": (
        "该账号已停用，请联系系统管理员。",
        "This account is disabled; ask an admin.",
    ),
    "auth.admin_only": ("只有系统管理员可以管理账号。", "Only an admin can manage accounts."),
    "lock.title": ("屏幕已锁定", "Screen locked"),
    "lock.prompt": (
        "操作员 {name} 请输入密码解锁；屏幕上的内容不会丢失。",
        "{name}, type your password to unlock; nothing on screen is lost.",
    ),
    "lock.unlock": ("解锁", "Unlock"),
    "lock.switch_operator": ("切换操作员（退出当前登录）", "Switch operator (log out)"),
    "home.greeting": ("{name}，您好。请选择业务：", "Hello, {name}. Choose a task:"),
    "home.due": (
        "今日到期：{today} 件　已逾期：{overdue} 件",
        "Due today: {today}   Overdue: {overdue}",
    ),
    "workflow.handover": ("钥匙领取交接", "Hand over a key"),
    "workflow.mail_out": ("钥匙邮寄", "Mail a key"),
    "workflow.cancellation": ("钥匙注销受理", "Walk-in cancellation"),
    "workflow.unlock_help": ("PIN码解锁帮助", "PIN-unlock help"),
    "workflow.cert_check": ("证书检查", "Certificate check"),
    "workflow.intake": ("钥匙接收登记", "Key intake"),
    "workflow.cases": ("业务查询", "Cases"),
    "workflow.notice": ("到件通知", "Notify enterprises"),
    "workflow.operators": ("操作员管理", "Operator accounts"),
    "pending.not_yet": (
        "此功能尚未开放（将随第 {issue} 号需求提供）。按 Esc 返回。",
        "This task is not available yet (it comes with issue {issue}). Press Esc to go back.",
    ),
    "status.operator": ("操作员：{name}（{role}）", "Operator: {name} ({role})"),
    "status.counter": (" {number}号窗口", " counter {number}"),
    "status.token": ("钥匙：{state}", "Key: {state}"),
    "status.printer": ("打印机：{state}", "Printer: {state}"),
    "status.sync": ("同步：{state}", "Sync: {state}"),
    "status.sync_backlog": ("待上传 {count} 条", "{count} waiting"),
    "status.not_configured": ("未配置", "not configured"),
    "status.unknown": ("状态未知", "unknown"),
    "operators.unlock": ("解除所选账号锁定", "Unlock selected account"),
    "operators.add_title": ("新增操作员", "Add an operator"),
    "operators.username": ("用户名", "User name"),
    "operators.display_name": ("姓名", "Full name"),
    "operators.role": ("角色", "Role"),
    "operators.password": ("初始密码", "Password"),
    "operators.state": ("状态", "State"),
    "operators.add": ("新增", "Add"),
    "operators.added": ("已新增操作员 {username}。", "Operator {username} added."),
    "operators.unlocked": ("已解除 {username} 的锁定。", "{username} is unlocked."),
    "operators.locked": ("已锁定", "locked"),
    "operators.active": ("正常", "active"),
    "operator.bad_username": (
        "用户名须为1-32个字符，不含空格。",
        "A user name has 1 to 32 characters and no spaces.",
    ),
    "operator.password_too_short": (
        "密码至少需要 {minimum} 个字符。",
        "A password needs at least {minimum} characters.",
    ),
    "operator.password_weak": (
        "这个密码太容易被猜到（只有空格或数字、常见密码，或与用户名相同），请换一个。",
        "This password is too easy to guess (only spaces or digits, a common password, or the "
        "user name itself); please choose another.",
    ),
    "operator.username_taken": ("用户名 {username} 已被使用。", "User name {username} is taken."),
    "operator.not_found": (
        "没有用户名为 {username} 的操作员。",
        "No operator is named {username}.",
    ),
    # --- records and store ---
    "key.not_found": ("没有编号为 {key_id} 的钥匙记录。", "No key record {key_id}."),
    "key.illegal_move": (
        "钥匙当前状态为“{from_state}”，不能改为“{to_state}”。",
        "The key is {from_state}; it cannot become {to_state}.",
    ),
    "key.serial_taken": (
        "序列号为 {serial} 的钥匙已有记录。",
        "A key with serial {serial} is already recorded.",
    ),
    "case.not_found": ("没有业务单号 {code} 的记录。", "No case has the code {code}."),
    "case.already_closed": ("该业务已办结。", "This case is already closed."),
    "enterprise.name_required": ("请填写企业名称。", "The enterprise name is required."),
    "enterprise.not_found": (
        "没有统一社会信用代码为 {uscc} 的企业。",
        "No enterprise has the code {uscc}.",
    ),
    "store.cannot_open": (
        "无法打开数据库 {path}：{problem}",
        "Cannot open the database {path}: {problem}",
    ),
    "store.busy": (
        "数据库正忙，请稍后重试（{problem}）。",
        "The database is busy; try again in a moment ({problem}).",
    ),
    "store.write_failed": (
        "数据未能保存，本次操作未生效（{problem}）。",
        "Nothing was saved; the action did not take effect ({problem}).",
    ),
    "store.too_new": (
        "数据库版本 {found} 比本程序支持的版本 {supported} 新，请升级柜台程序。",
        "The database is at version {found}, newer than this kiosk's {supported}: upgrade the"
        " kiosk.",
    ),
    "hashkey.missing": (
        "找不到身份证号加密密钥文件 {path}，请先运行 kiosk init。",
        "The ID-number hash key {path} is missing: run kiosk init first.",
    ),
    "hashkey.bad": (
        "身份证号加密密钥文件 {path} 无效：{problem}",
        "The ID-number hash key {path} is not valid: {problem}",
    ),
    # --- configuration ---
    "config.not_found": (
        "找不到配置文件 {path}。可运行 kiosk init --config {path} --office BJ 生成。",
        "Configuration file {path} not found. Create one with"
        " kiosk init --config {path} --office BJ.",
    ),
    "config.unreadable": ("无法读取配置文件 {path}：{problem}", "Cannot read {path}: {problem}"),
    "config.bad_toml": (
        "配置文件 {path} 不是有效的 TOML：{problem}",
        "Configuration file {path} is not valid TOML: {problem}",
    ),
    "config.invalid": (
        "配置文件 {path} 有误：\n{problems}",
        "Configuration file {path} has problems:\n{problems}",
    ),
    # --- command line ---
    "cli.password_prompt": ("请设置密码：", "New password:"),
    "cli.password_again": ("请再次输入密码：", "Type it again:"),
    "cli.admin_password_prompt": ("请输入您的管理员密码：", "Your admin password:"),
    "cli.password_mismatch": ("两次输入的密码不一致。", "The two passwords differ."),
    "cli.password_needed": (
        "需要密码：请在终端中运行，或设置环境变量 {env}。",
        "A password is needed: run in a terminal, or set {env}.",
    ),
    "cli.unknown_office": (
        "{office} 不是37家受理机构之一。",
        "{office} is not one of the 37 accepting institutions.",
    ),
    "cli.config_written": ("已生成配置文件 {path}。", "Configuration written to {path}."),
    "cli.hash_key_written": (
        "已生成身份证号加密密钥 {path}（请妥善保管）。",
        "ID-number hash key written to {path} (keep it safe).",
    ),
    "cli.already_initialised": (
        "数据库 {path} 已初始化，无需重复操作。",
        "Database {path} is already initialised.",
    ),
    "cli.initialised": (
        "数据库 {path} 已建立，管理员账号 {username} 已创建。",
        "Database {path} is ready, with the admin account {username}.",
    ),
    "cli.no_operators": (
        "数据库 {path} 中还没有操作员账号，请先运行 kiosk init。",
        "The database {path} has no operator accounts yet: run kiosk init first.",
    ),
    "cli.operator_added": (
        "已新增操作员 {username}（{role}）。",
        "Operator {username} ({role}) added.",
    ),
    "cli.file_error": (
        "文件操作失败：{problem}",
        "A file could not be read or written: {problem}",
    ),
    "demo.not_demo_folder": (
        "{path} 不是演示目录（其中没有由 kiosk demo 生成的 kiosk.toml），"
        "为防误删，--reset 不会清空它。请换一个 --dir。",
        "{path} is not a demo folder (it has no kiosk.toml made by kiosk demo), so --reset "
        "will not delete it. Choose another --dir.",
    ),
    "audit.verify_ok": (
        "审计记录完整：共 {count} 条，校验通过。",
        "Audit trail intact: {count} events verified.",
    ),
    "audit.verify_broken": (
        "审计记录被改动：第 {seq} 条事件校验不符（{problem}）。",
        "Audit trail broken at event {seq}: {problem}.",
    ),
    "audit.trail_missing": (
        "没有审计记录：{path} 不存在、为空或没有任何事件。未创建任何文件。",
        "The audit trail is missing: {path} does not exist, is empty or holds no events. "
        "Nothing was created.",
    ),
    "audit.trail_unreadable": (
        "无法读取审计记录 {path}：{problem}",
        "The audit trail {path} cannot be read: {problem}",
    ),
    # --- doctor ---
    "doctor.config_ok": (
        "{path}（受理机构 {office}，{counter} 号窗口）",
        "{path} (office {office}, counter {counter})",
    ),
    "doctor.fix_config": ("按提示修改配置文件", "correct the configuration file as shown"),
    "doctor.db_missing": ("数据库 {path} 不存在", "database {path} does not exist"),
    "doctor.fix_init": ("运行 kiosk init --config <配置文件>", "run kiosk init --config <file>"),
    "doctor.fix_db": (
        "检查文件权限与磁盘空间，必要时从备份恢复",
        "check file permissions and disk space; restore from backup if needed",
    ),
    "doctor.db_version": (
        "数据库版本 {found}，程序需要 {expected}",
        "schema version {found}, the kiosk expects {expected}",
    ),
    "doctor.db_corrupt": (
        "数据库 {path} 完整性检查未通过",
        "database {path} fails its integrity check",
    ),
    "doctor.fix_audit": (
        "审计记录被改动：请保留现场并报告主管",
        "the audit trail was tampered with: keep the file as it is and tell a supervisor",
    ),
    "doctor.db_ok": (
        "{path}，审计记录 {events} 条校验通过",
        "{path}, {events} audit events verified",
    ),
    "doctor.key_open": ("密钥文件 {path} 其他用户可读", "key file {path} is readable by others"),
    "doctor.fix_key_mode": ("运行 chmod 600 <密钥文件>", "run chmod 600 on the key file"),
    "doctor.key_ok": ("{path}", "{path}"),
    "doctor.files_open": (
        "以下文件同组或其他用户可以访问：{paths}",
        "group or other users may open these files: {paths}",
    ),
    "doctor.fix_files_mode": ("对这些文件运行 chmod 600", "run chmod 600 on these files"),
    "doctor.files_private": (
        "配置文件和数据库仅本用户可读写",
        "configuration and database are the owner's only",
    ),
    "doctor.calendar_unknown": (
        "{year} 年的节假日安排尚未录入，期限暂按周末计算",
        "holidays for {year} are not known yet; deadlines count weekends only",
    ),
    "doctor.fix_calendar": (
        "国务院公布后在 rules.holidays_file 中录入放假和调休日期",
        "fill in days off and make-up workdays in rules.holidays_file once the State Council"
        " publishes them",
    ),
    "doctor.calendar_ok": ("未来90天的工作日安排已知", "working days known for the next 90 days"),
    "doctor.not_configured": ("未配置", "not configured"),
    "doctor.fix_token": (
        "安装电子钥匙服务商的驱动，并在 [token] module 中填写其 PKCS#11 库路径",
        "install the key provider's driver and set its PKCS#11 library in [token] module",
    ),
    "doctor.module_missing": ("找不到 PKCS#11 库 {path}", "PKCS#11 library {path} not found"),
    "doctor.module_hangs": ("PKCS#11 库 {path} 加载无响应", "PKCS#11 library {path} hangs on load"),
    "doctor.module_bad": (
        "{path} 不是可用的 PKCS#11 库：{problem}",
        "{path} is not a usable PKCS#11 library: {problem}",
    ),
    "doctor.module_ok": ("{path}（{slots} 个插槽）", "{path} ({slots} slots)"),
    "doctor.fix_printer": (
        "检查打印机电源和连线，并核对 [printer] connection",
        "check the printer's power and cable, and [printer] connection",
    ),
    "doctor.printer_unwritable": ("无法写入打印输出 {spec}", "cannot write to {spec}"),
    "doctor.printer_missing": ("找不到打印机 {spec}", "printer {spec} not found"),
    "doctor.printer_unreachable": (
        "无法连接打印机 {spec}：{problem}",
        "cannot reach printer {spec}: {problem}",
    ),
    "doctor.printer_ok": ("{spec}", "{spec}"),
    "doctor.central_no_token": (
        "已配置 {url}，但缺少本窗口的访问令牌",
        "{url} is set but this counter's token is missing",
    ),
    "doctor.fix_central_token": (
        "设置环境变量 KIOSK_CENTRAL_TOKEN",
        "set the KIOSK_CENTRAL_TOKEN environment variable",
    ),
    "doctor.central_unreachable": (
        "无法连接 {url}：{problem}（柜台可离线工作，恢复后自动同步）",
        "cannot reach {url}: {problem} (the counter works offline and syncs later)",
    ),
    "doctor.fix_central": (
        "检查网络与 [central] url",
        "check the network and [central] url",
    ),
    "doctor.central_ok": ("{url}", "{url}"),
    # --- keys and certificates (issue 3) ---
    "keybar.reread": ("重新读取", "read again"),
    "keybar.next_token": ("下一把钥匙", "next key"),
    "keybar.unlock_help": ("PIN解锁帮助", "PIN help"),
    "keybar.print": ("打印指引", "print"),
    "keybar.record_help": ("记录本次帮助", "record help"),
    "keybar.cert_check": ("证书检查", "certificate check"),
    "keybar.toggle_key": ("插入/拔出", "plug in/out"),
    "keybar.demo_tray": ("演示钥匙托盘", "demo keys"),
    "status.token_none": ("未插入", "none inserted"),
    "status.token_one": ("已插入 {label}", "{label} inserted"),
    "status.token_many": ("已插入 {count} 把", "{count} inserted"),
    "status.token_problem": ("读取异常", "reader problem"),
    "check.insert": ("请插入电子钥匙。", "Insert the electronic key."),
    "check.reading": ("正在读取钥匙……（不会尝试PIN码）", "Reading the key… (no PIN is ever tried)"),
    "check.removed": (
        "钥匙已被拔出，请重新插入。",
        "The key was removed: insert it again.",
    ),
    "check.no_reader": (
        "本窗口未配置钥匙读取模块（[token] module）。",
        "No token module is configured for this counter ([token] module).",
    ),
    "check.done": ("检查完成，结果如下：", "Checked. The findings:"),
    "check.token_line": (
        "钥匙 {label}　序列号 {serial}　{maker}\nPIN状态：{pin}",
        "Key {label}   serial {serial}   {maker}\nPIN: {pin}",
    ),
    "check.pick_kind": ("企业类型：", "Enterprise kind:"),
    "check.pick_kind_prompt": (
        "请选择（决定补代码的办理路径）",
        "choose (decides how to add the code)",
    ),
    "check.recorded": ("已登记为业务 {code}。", "Recorded as case {code}."),
    "check.print_pending": (
        "打印功能将随打印机需求提供，请先按屏幕指引告知企业。",
        "Printing comes with the printer issue; give the agent the guidance on screen for now.",
    ),
    "kind.domestic": ("内资企业", "domestic"),
    "kind.foreign_invested": ("外资企业", "foreign-invested"),
    "cert.label": ("对象", "object"),
    "cert.cn": ("使用者CN", "subject CN"),
    "cert.o": ("使用者O", "subject O"),
    "cert.issuer": ("颁发者", "issuer"),
    "cert.until": ("有效期至", "valid until"),
    "cert.algorithm": ("算法", "algorithm"),
    "cert.fingerprint": ("SHA-256指纹", "SHA-256"),
    "cert.unreadable": ("无法读取", "unreadable"),
    "pin.ok": ("正常", "ok"),
    "pin.count_low": ("已输错过PIN码，剩余次数不多", "wrong PINs entered: few tries left"),
    "pin.final_try": ("仅剩最后一次机会，再错将锁定", "final try: one more wrong PIN locks it"),
    "pin.locked": ("已锁定（连续输错6次）", "locked (6 wrong PINs in a row)"),
    "pin.not_initialized": ("用户PIN未设置", "user PIN never set"),
    "pin.unknown": (
        "此钥匙不报告PIN剩余次数",
        "this key does not report its PIN tries",
    ),
    "keystate.expected": ("待制作/在途", "expected"),
    "keystate.received": ("已接收", "received"),
    "keystate.notified": ("已通知", "notified"),
    "keystate.handed_over": ("已领取", "handed over"),
    "keystate.mailed": ("已邮寄", "mailed"),
    "keystate.cancel_requested": ("注销受理中", "cancellation requested"),
    "keystate.shipped": ("已寄服务商注销", "shipped for cancellation"),
    "keystate.cancelled": ("已注销", "cancelled"),
    "keystate.replaced": ("已补办作废", "replaced (void)"),
    "keystate.lost": ("已挂失", "reported lost"),
    "verdict.in_records": (
        "我方记录：{enterprise}，状态“{state}”。",
        "Our records: {enterprise}, {state}.",
    ),
    "verdict.not_in_records": (
        "我方没有此钥匙（序列号）的记录。",
        "We hold no record of this key (serial).",
    ),
    "verdict.key_void": (
        "此钥匙在我方记录中已作废（{state}），不得继续使用！",
        "Our records say this key is void ({state}): it must not be used!",
    ),
    "verdict.pin_ok": ("PIN状态正常。", "PIN state ok."),
    "verdict.pin_unknown": (
        "此钥匙不报告PIN剩余次数，无法判断是否将锁定。",
        "This key does not report its PIN tries; whether it is near locking cannot be told.",
    ),
    "verdict.pin_count_low": (
        "已输错过PIN码，剩余次数不多。",
        "Wrong PINs were entered; few tries left.",
    ),
    "verdict.pin_final_try": (
        "PIN仅剩最后一次机会，请勿再尝试。",
        "One try left before the PIN locks: do not try again.",
    ),
    "verdict.pin_locked": ("PIN已锁定。", "The PIN is locked."),
    "verdict.pin_not_initialized": ("用户PIN未设置。", "The user PIN was never set."),
    "verdict.no_certificate": (
        "钥匙中没有可读取的证书。",
        "The key holds no readable certificate.",
    ),
    "verdict.unreadable_not_der": (
        "证书对象“{label}”无法读取：不是有效的证书数据。",
        "Certificate object {label} is unreadable: not valid certificate data.",
    ),
    "verdict.unreadable_empty": (
        "证书对象“{label}”无法读取：内容为空。",
        "Certificate object {label} is unreadable: it is empty.",
    ),
    "verdict.unreadable_too_large": (
        "证书对象“{label}”无法读取：数据过大，不是证书。",
        "Certificate object {label} is unreadable: too large to be a certificate.",
    ),
    "verdict.uscc_ok": (
        "证书“{label}”含有效的统一社会信用代码 {uscc}。",
        "Certificate {label} holds the valid USCC {uscc}.",
    ),
    "verdict.lacks_code": (
        "证书“{label}”缺少18位统一社会信用代码（O={subject_o}）。",
        "Certificate {label} lacks the 18-digit code (O={subject_o}).",
    ),
    "verdict.uscc_mismatch": (
        "证书“{label}”中的代码 {on_key} 与我方记录的企业 {enterprise}（{ours}）不符。",
        "Certificate {label} names {on_key}, but we hold this key for {enterprise} ({ours}).",
    ),
    "verdict.expired": (
        "证书“{label}”已于 {until} 过期。",
        "Certificate {label} expired on {until}.",
    ),
    "verdict.expiring": (
        "证书“{label}”将于 {until} 到期（剩 {days} 天）。",
        "Certificate {label} expires on {until} ({days} days left).",
    ),
    "verdict.valid": (
        "证书“{label}”有效期至 {until}。",
        "Certificate {label} is valid until {until}.",
    ),
    "next.add_code_domestic": (
        "内资企业：在对外贸易经营者备案系统中补充统一社会信用代码，审核通过1个工作日后进行证书更新。",
        "Domestic: add the USCC in the foreign-trade operator filing system; one working day"
        " after approval, run the key update.",
    ),
    "next.add_code_foreign": (
        "外资企业：请当地商务主管部门手工补录经营者信息，1个工作日后进行证书更新。",
        "Foreign-invested: ask the local commerce office to add the operator information;"
        " one working day later, run the key update.",
    ),
    "next.add_code_pick_kind": (
        "请选择企业类型（内资/外资），以给出补代码的办理路径。",
        "Pick the enterprise's kind (domestic or foreign-invested) to see how to add the code.",
    ),
    "next.check_records": (
        "请核对企业与钥匙的对应关系，必要时联系电子钥匙服务商。",
        "Check which enterprise this key belongs to; ask the key provider if needed.",
    ),
    "next.key_void": (
        "请收回或告知企业此钥匙不可再用，需要时办理补办或注销。",
        "Tell the agent this key cannot be used; apply for a replacement or cancel it.",
    ),
    "next.renew": (
        "请尽快在线办理证书更新：提交申请表和营业执照，审批后插入钥匙自助更新（https://vpnpublic01.gfapki.com.cn）。",
        "Renew soon: apply online (form and business licence); once approved, run the"
        " self-service update with the key inserted (https://vpnpublic01.gfapki.com.cn).",
    ),
    "next.renew_expired": (
        "证书已过期：请在线申请证书更新，审批通过后插入钥匙自助更新，更新中途不要拔出钥匙。",
        "Expired: apply online for a certificate update; once approved, run the self-service"
        " update with the key inserted, and do not remove it until done.",
    ),
    "next.unlock_help": ("请按 U 查看PIN码解锁办理指引。", "Press U for PIN-unlock help."),
    "next.contact_provider": (
        "请联系电子钥匙服务商（热线 010-58103599）。",
        "Contact the key provider (hotline 010-58103599).",
    ),
    "token.error_removed": (
        "钥匙已被拔出，请重新插入后再读取。",
        "The key was removed: insert it again.",
    ),
    "token.error_timeout": (
        "钥匙读取超时，读取模块已重启，请按 R 重试。",
        "Reading the key timed out; the token module was restarted. Press R to retry.",
    ),
    "token.error_crashed": (
        "钥匙读取模块异常退出，已重启，请按 R 重试。",
        "The token module stopped; it was restarted. Press R to retry.",
    ),
    "token.error_module": (
        "钥匙读取模块无法使用，请运行 kiosk doctor 检查。",
        "The token module cannot be used: run kiosk doctor.",
    ),
    "unlock.token_line": ("钥匙 {label}（序列号 {serial}）", "Key {label} (serial {serial})"),
    "unlock.diag_locked": (
        "诊断：PIN已锁定（连续输错6次）。柜台无法解锁，请企业按以下步骤在线申请解锁。",
        "Diagnosis: the PIN is locked (6 wrong in a row). The counter cannot unlock it; the"
        " agent applies online as below.",
    ),
    "unlock.diag_final_try": (
        "诊断：尚未锁定，但仅剩最后一次机会。若忘记PIN码，请勿再试，按以下步骤申请解锁。",
        "Diagnosis: not locked, but one try is left. If the PIN is forgotten, do not try"
        " again: apply for an unlock as below.",
    ),
    "unlock.diag_count_low": (
        "诊断：尚未锁定，但已输错过PIN码。若忘记PIN码，请勿再试，按以下步骤申请解锁。",
        "Diagnosis: not locked, but wrong PINs were entered. If the PIN is forgotten, do not"
        " try again: apply for an unlock as below.",
    ),
    "unlock.diag_unknown": (
        "诊断：此钥匙不报告PIN剩余次数。若企业软件提示已锁定，请按以下步骤申请解锁。",
        "Diagnosis: this key does not report its PIN tries. If the agent's software says it"
        " is locked, apply for an unlock as below.",
    ),
    "unlock.diag_ok": ("诊断：PIN未锁定。", "Diagnosis: the PIN is not locked."),
    "unlock.diag_not_initialized": (
        "诊断：此钥匙的用户PIN尚未设置，请联系电子钥匙服务商。",
        "Diagnosis: this key's user PIN was never set; contact the key provider.",
    ),
    "unlock.try_cert_check": (
        "如企业遇到其他问题，可按 C 进行证书检查。",
        "For other problems, press C for the certificate check.",
    ),
    "unlock.step_insert": (
        "插入被锁的钥匙，登录在线解锁系统（扫右侧二维码），填写解锁申请表。",
        "Insert the locked key, open the online unlock system (scan the QR code) and fill in"
        " the unlock form.",
    ),
    "unlock.step_form": (
        "打印申请表并加盖企业公章。",
        "Print the form and seal it with the company seal.",
    ),
    "unlock.step_upload": (
        "上传：盖章的解锁申请表、营业执照（每个文件小于200KB）。",
        "Upload: the sealed unlock form and the business licence (each under 200 KB).",
    ),
    "unlock.step_email": (
        "服务商审核后 {days} 个工作日内发送主题为“电子钥匙密码重置”的邮件。",
        'Within {days} working days the provider e-mails "电子钥匙密码重置" (key PIN reset).',
    ),
    "unlock.step_reset": (
        "按邮件中的步骤重置PIN码。如有疑问请拨打热线 010-58103599。",
        "Reset the PIN as the e-mail says. Questions: hotline 010-58103599.",
    ),
    "unlock.never_try": (
        "柜台不会尝试任何PIN码：每输错一次都更接近锁定。",
        "The counter never tries a PIN: every wrong try brings the key closer to locking.",
    ),
    "unlock.recorded": (
        "已登记为业务 {code}，预计 {due} 前收到重置邮件。",
        "Recorded as case {code}; the reset e-mail is due by {due}.",
    ),
    "unlock.already_recorded": ("本次帮助已登记。", "This help is already recorded."),
    "tray.title": ("演示钥匙托盘", "Demo keys"),
    "tray.hint": (
        "按回车插入或拔出所选钥匙（● 已插入 ○ 未插入）。",
        "Enter plugs the highlighted key in or out (● in, ○ out).",
    ),
    "cli.tokens_module": (
        "{path} 不是可用的 PKCS#11 模块：{problem}",
        "{path} is not a usable PKCS#11 module: {problem}",
    ),
    "cli.tokens_timeout": (
        "PKCS#11 模块 {path} 无响应（{problem}）",
        "PKCS#11 module {path} does not answer ({problem})",
    ),
    "cli.tokens_crashed": (
        "PKCS#11 模块 {path} 异常退出（{problem}）",
        "PKCS#11 module {path} crashed ({problem})",
    ),
    "cli.tokens_removed": ("钥匙在读取中被拔出", "a key was removed during the read"),
    "check.not_recorded": (
        "检查结果未能保存（数据库错误），请按 R 重试；如仍失败请运行 kiosk doctor。",
        "The check could not be saved (database error); press R to retry, or run kiosk doctor.",
    ),
    "app.quit_refused": (
        "只有已登录的主管或系统管理员可以退出柜台程序。",
        "Only a logged-in supervisor or admin can quit the counter program.",
    ),
    "app.worker_failed": (
        "后台操作意外失败，本次操作未完成；请重试，如仍失败请联系系统管理员。",
        "A background task failed unexpectedly and did not finish; retry, or tell an admin.",
    ),
    "due.estimated": (
        "注意：该年度节假日安排尚未录入，期限暂按周末计算，仅供参考。",
        "Note: that year's holidays are not entered yet; the deadline counts weekends only.",
    ),
    "cli.unexpected": (
        "操作未完成：{problem}（设置 KIOSK_DEBUG=1 可查看详细信息）",
        "The command did not finish: {problem} (set KIOSK_DEBUG=1 for details)",
    ),
    # --- receipts (paper is always Chinese) ---
    "receipt.tracking_code": ("业务单号", "Tracking code"),
    "receipt.counter": ("受理窗口", "Counter"),
    "receipt.counter_value": ("{office} {counter}号窗口", "{office}, counter {counter}"),
    "receipt.operator": ("经办人员", "Clerk"),
    "receipt.time": ("办理时间", "Time"),
    "receipt.enterprise": ("企业名称", "Enterprise"),
    "receipt.uscc": ("统一社会信用代码", "USCC"),
    "receipt.key_serial": ("钥匙序列号", "Key serial"),
    "receipt.agent_id": ("经办人证件号", "Agent ID"),
    "receipt.findings": ("检查结果", "Findings"),
    "receipt.next_steps": ("后续办理", "Next steps"),
    "receipt.due": ("办理期限（工作日）", "Due (working days)"),
    "receipt.scan_to_track": ("扫码查询办理进度", "Scan to track this case"),
    "receipt.support": ("咨询服务", "Support"),
    "receipt.hotline": ("电子钥匙热线", "CA key hotline"),
    "receipt.site": ("许可证局网站", "Licence bureau"),
    "receipt.online_system": ("网上申领系统", "Online system"),
    "receipt.signature": ("领取人签字：", "Signature:"),
    "receipt.date_line": ("日期：", "Date:"),
    "receipt.copy_enterprise": ("（企业留存联）", "(enterprise copy)"),
    "receipt.copy_office": ("（窗口存档联）", "(office copy)"),
    "receipt.title_handover": ("电子钥匙领取回执", "Key hand-over receipt"),
    "receipt.title_cert_check": ("证书检查结果", "Certificate check result"),
    "receipt.title_unlock": ("PIN码解锁办理指引", "PIN-unlock guidance"),
    "receipt.title_test": ("打印测试", "Print test"),
    "receipt.test_text": (
        "中文打印测试：企业电子钥匙柜台服务。如本行与下方二维码清晰，打印机设置正确。",
        "Chinese print test: if this line and the QR code below are clear, the printer is set"
        " up right.",
    ),
    "receipt.unlock_system": ("在线解锁系统：{url}", "Online unlock system: {url}"),
    "receipt.not_found": ("没有编号为 {receipt_id} 的回执。", "No receipt {receipt_id}."),
    "cli.print_bad_spec": ("打印机设置有误：{problem}", "Bad printer setting: {problem}"),
    "cli.print_ok": (
        "已发送测试回执到 {spec}（{bytes} 字节）。",
        "Test receipt sent to {spec} ({bytes} bytes).",
    ),
    "print.failed_refused": (
        "打印失败：打印机 {spec} 拒绝连接（未开机或地址有误）。",
        "Print failed: printer {spec} refused the connection (off, or wrong address).",
    ),
    "print.failed_timeout": (
        "打印失败：打印机 {spec} 无响应（超时）。",
        "Print failed: printer {spec} did not answer (timeout).",
    ),
    "print.failed_paper_out": (
        "打印失败：打印机 {spec} 缺纸，请装纸后重印。",
        "Print failed: printer {spec} is out of paper; load paper and print again.",
    ),
    "print.failed_offline": (
        "打印失败：打印机 {spec} 离线（可能开盖或故障）。",
        "Print failed: printer {spec} is offline (cover open or fault).",
    ),
    "print.failed_not_found": (
        "打印失败：找不到打印机 {spec}。",
        "Print failed: printer {spec} not found.",
    ),
    "print.failed_not_configured": (
        '未配置打印机（[printer] connection = "none"）。',
        'No printer is configured ([printer] connection = "none").',
    ),
    "print.failed_failed": (
        "打印失败：打印机 {spec} 出错。",
        "Print failed: printer {spec} reported an error.",
    ),
    "keybar.print_receipt": ("打印", "print"),
    "keybar.another_copy": ("再打一份", "another copy"),
    "preview.title": ("回执预览", "Receipt preview"),
    "preview.hint": ("按 F5 打印。", "Press F5 to print."),
    "preview.printing": ("正在打印……", "Printing…"),
    "preview.printed": (
        "已打印。按 F6 可再打一份，按 Esc 返回。",
        "Printed. F6 prints another copy; Esc goes back.",
    ),
    "preview.kept": (
        "回执已保存，可稍后在业务中重新打印（F6 重试）。",
        "The receipt is kept; print it again later from the case (F6 retries now).",
    ),
    "printer.online": ("正常", "ok"),
    "printer.paper_low": ("纸将用完", "paper low"),
    "printer.paper_out": ("缺纸", "out of paper"),
    "printer.offline": ("离线", "offline"),
    "printer.unreachable": ("无法连接", "unreachable"),
    "printer.unknown": ("状态未知", "unknown"),
    "printer.not_configured": ("未配置", "not configured"),
    "keybar.reprint": ("重印所选回执", "reprint"),
    "case.history": ("办理记录", "History"),
    "case.receipts": ("回执", "Receipts"),
    "case.code": ("业务单号：{code}", "Case {code}"),
    "case.kind_state": ("业务类型：{kind}　状态：{state}", "Kind: {kind}   State: {state}"),
    "case.opened": ("受理时间：{at}（{operator}）", "Opened {at} by {operator}"),
    "case.enterprise": ("统一社会信用代码：{uscc}", "Enterprise USCC: {uscc}"),
    "case.due_left": (
        "办理期限：{due}（还剩 {days} 个工作日）",
        "Due {due} ({days} working days left)",
    ),
    "case.due_overdue": (
        "办理期限：{due}（已逾期 {days} 个工作日）",
        "Due {due} (overdue by {days} working days)",
    ),
    "case.due_closed": ("办理期限：{due}（已办结）", "Due {due} (closed)"),
    "case.col_time": ("时间", "Time"),
    "case.col_event": ("事项", "Event"),
    "case.col_operator": ("操作员", "Operator"),
    "case.col_receipt": ("回执", "Receipt"),
    "case.col_status": ("状态", "Status"),
    "case.no_receipt": ("此业务没有回执。", "This case has no receipt."),
    "case.reprinted": ("已重新打印。", "Printed again."),
    "casekind.intake": ("钥匙接收", "key intake"),
    "casekind.handover": ("钥匙领取", "hand-over"),
    "casekind.mail_out": ("钥匙邮寄", "mail-out"),
    "casekind.cancellation": ("钥匙注销", "cancellation"),
    "casekind.unlock_help": ("PIN码解锁帮助", "PIN-unlock help"),
    "casekind.cert_check": ("证书检查", "certificate check"),
    "casestate.open": ("办理中", "open"),
    "casestate.closed": ("已办结", "closed"),
    "receiptstatus.pending": ("待打印", "pending"),
    "receiptstatus.printed": ("已打印", "printed"),
    "receiptstatus.failed": ("打印失败", "failed"),
    "print.short_refused": ("拒绝连接", "refused"),
    "print.short_timeout": ("超时", "timeout"),
    "print.short_paper_out": ("缺纸", "out of paper"),
    "print.short_offline": ("离线", "offline"),
    "print.short_not_found": ("找不到打印机", "not found"),
    "print.short_not_configured": ("未配置打印机", "no printer"),
    "print.short_failed": ("出错", "error"),
    "home.scan_placeholder": (
        "扫描或输入业务单号后回车",
        "Scan or type a tracking code, then Enter",
    ),
    "receipt.title_mail_out": ("电子钥匙邮寄回执", "Key mail-out receipt"),
    "receipt.title_cancellation": ("钥匙注销受理回执", "Key cancellation receipt"),
    "receipt.title_intake_list": ("电子钥匙接收清单", "Key intake list"),
    "receipt.title_shipment": ("钥匙寄送清单", "Shipment manifest"),
    "receipt.title_daily_summary": ("窗口业务日报", "Daily summary"),
    "receipt.recipient": ("收件人", "Recipient"),
    "receipt.address": ("收件地址", "Address"),
    "receipt.courier": ("快递公司", "Courier"),
    "receipt.waybill": ("运单号", "Waybill"),
    "receipt.reason": ("事由", "Reason"),
    "receipt.enclosed": ("随附材料", "Enclosed"),
    "receipt.cancel_reason": ("注销原因", "Reason for cancellation"),
    "receipt.documents": ("收取材料", "Documents received"),
    "receipt.doc_form": ("注销申请表（已盖章）", "Cancellation form (sealed)"),
    "receipt.doc_key": ("电子钥匙", "The electronic key"),
    "receipt.doc_statement": ("钥匙遗失书面说明", "Written statement of the lost key"),
    "receipt.ship_by": ("寄送服务商期限（工作日）", "Ship to the provider by (working day)"),
    "receipt.signature_agent": ("经办人签字：", "Agent's signature:"),
    "receipt.signature_checked": ("清点人签字：", "Checked by:"),
    "receipt.no_rows": ("（无）", "(none)"),
    "receipt.row_uscc": ("信用代码：{uscc}", "USCC: {uscc}"),
    "receipt.row_serial": ("序列号：{serial}", "Serial: {serial}"),
    "receipt.row_notice_due": ("通知期限：{due}", "Notify by: {due}"),
    "receipt.row_tracking": ("单号：{code}", "Case: {code}"),
    "receipt.row_reason": ("原因：{reason}", "Reason: {reason}"),
    "receipt.key_count": ("共 {count} 把钥匙", "{count} keys in all"),
    "receipt.summary_day": ("统计日期", "Day"),
    "receipt.summary_cases": ("受理业务", "Cases taken"),
    "receipt.summary_total": ("合计", "Total"),
    "receipt.summary_met": ("按期办结", "Closed on time"),
    "receipt.summary_missed": ("逾期办结", "Closed late"),
    "receipt.summary_open_overdue": ("未办结且已逾期", "Open and overdue"),
    "receipt.summary_rate": ("按期办结率", "On-time rate"),
    "receipt.count_value": ("{count} 件", "{count}"),
    "keybar.save_image": ("保存图片", "save image"),
    "preview.image_saved": ("回执图片已保存：{path}", "Receipt image saved: {path}"),
    "preview.image_failed": (
        "回执图片未能保存：{problem}",
        "The receipt image was not saved: {problem}",
    ),
    "cli.no_receipt": ("业务 {code} 没有回执。", "Case {code} has no receipt."),
    "cli.receipt_rendered": (
        "已将业务 {code} 的回执画到 {path}。",
        "Receipt of case {code} drawn to {path}.",
    ),
    "agent.not_authorised": (
        "证件号 {id_masked} 不是该企业的授权经办人。如确需办理，请主管输入密码并填写理由。",
        "ID {id_masked} is not an authorised agent of this enterprise. To proceed anyway a"
        " supervisor must enter their password and a reason.",
    ),
    "agent.override_reason": ("请填写放行理由。", "A reason is required."),
    "agent.override_self": (
        "不能由本人放行，请另一位主管确认。",
        "You cannot approve your own check: another supervisor must.",
    ),
    "agent.override_role": ("只有主管可以放行。", "Only a supervisor can approve this."),
    "intake.no_match": (
        "序列号 {serial} 的钥匙不在待接收清单中，已单独存放，请与服务商核对。",
        "Key {serial} is not on the list of expected keys: set aside; check with the provider.",
    ),
    "intake.not_expected": (
        "钥匙 {serial} 的记录状态为“{state}”，不是待接收，已单独存放。",
        "Key {serial} is recorded as {state}, not expected: set aside.",
    ),
    "intake.no_code": (
        "钥匙 {serial} 的证书中没有有效的统一社会信用代码，已单独存放，请与服务商核对。",
        "Key {serial} has no valid USCC in its certificate: set aside; check with the provider.",
    ),
    "intake.other_enterprise": (
        "钥匙 {serial} 的证书代码 {on_key} 与预期企业 {ours} 不符，已单独存放。",
        "Key {serial} names {on_key}, but it is expected for {ours}: set aside.",
    ),
    "notice.bad_channel": ("通知方式应为电话、短信或电子邮件。", "Tell by phone, SMS or e-mail."),
    "notice.bad_delivery": ("请选择自取或邮寄。", "Choose collect or mail."),
    "notice.not_an_intake": ("该业务不是钥匙接收业务。", "This case is not a key intake."),
    "handover.wrong_key": (
        "插入的钥匙（序列号 {read}）不是本次应交付的钥匙（{expected}），交接已停止。",
        "The key inserted ({read}) is not the key to hand over ({expected}): stopped.",
    ),
    "handover.cert_changed": (
        "钥匙 {serial} 中的证书与接收时不同，交接已停止，请与服务商核对。",
        "Key {serial} holds another certificate than at intake: stopped; check with the provider.",
    ),
    "handover.agent_other_enterprise": (
        "经办人核验针对的是另一家企业，请重新核验。",
        "The agent was checked for another enterprise: check again.",
    ),
    "receipt.handover_keep": (
        "请妥善保管电子钥匙并及时修改PIN码；连续输错6次将锁定。遗失请尽快办理注销或补办。",
        "Keep the key safe and change its PIN; 6 wrong PINs lock it. If lost, cancel or replace"
        " it at once.",
    ),
    "ho.search_hint": (
        "扫描业务单号，或输入统一社会信用代码、企业名称、钥匙序列号后回车",
        "Scan a tracking code, or type a USCC, company name or key serial, then Enter",
    ),
    "ho.step_find": ("第一步：查找要交付的钥匙。", "Step 1: find the key to hand over."),
    "ho.step_pick": ("请选择钥匙（回车确认）。", "Pick the key (Enter)."),
    "ho.nothing_found": ("没有找到匹配的钥匙。", "No key matches."),
    "ho.not_handable": (
        "该钥匙状态为“{state}”，不能交付。",
        "This key is {state}: it cannot be handed over.",
    ),
    "ho.key_line": (
        "企业：{name}（{uscc}）　钥匙序列号：{serial}",
        "Enterprise: {name} ({uscc})   key serial: {serial}",
    ),
    "ho.agent_id": ("经办人身份证号", "Agent's ID number"),
    "ho.step_agent": (
        "第二步：输入经办人身份证号后回车（不会保存号码本身）。",
        "Step 2: type the agent's ID number, then Enter (the number itself is never stored).",
    ),
    "ho.override_hint": (
        "非授权经办人：需主管输入用户名、密码并填写理由方可放行。",
        "Not an authorised agent: a supervisor's name, password and reason are needed.",
    ),
    "ho.supervisor": ("主管用户名", "Supervisor's user name"),
    "ho.supervisor_password": ("主管密码", "Supervisor's password"),
    "ho.reason": ("放行理由", "Reason"),
    "ho.override": ("主管放行", "Supervisor approves"),
    "ho.step_insert": (
        "经办人 {masked} 核验通过。第三步：请插入钥匙 {serial}。",
        "Agent {masked} checked. Step 3: insert key {serial}.",
    ),
    "ho.reading": ("正在核对插入的钥匙……", "Checking the inserted key…"),
    "ho.done": (
        "交付完成，业务单号 {code}。请打印回执，企业联交经办人，存档联签字留存。",
        "Handed over, case {code}. Print the receipt: the enterprise copy for the agent, the"
        " office copy signed and kept.",
    ),
    # --- mail-out, walk-in cancellation, shipments, ratings (issue 5) ---
    "waybill.empty": ("请输入运单号。", "Please enter the waybill number."),
    "waybill.bad_chars": (
        "运单号含有不允许的字符：{chars}。运单号只用字母和数字。",
        "The waybill number contains characters that are not allowed: {chars}. It uses only"
        " letters and digits.",
    ),
    "waybill.bad_length": (
        "运单号应为{minimum}至{maximum}位，当前输入为{length}位。",
        "The waybill number must have {minimum} to {maximum} characters; this one has {length}.",
    ),
    "courier.required": ("请填写快递公司。", "The courier is required."),
    "mail.recipient_required": ("请填写收件人。", "The recipient is required."),
    "mail.address_required": ("请填写收件地址。", "The address is required."),
    "mail.key_not_ready": (
        "钥匙当前状态为“{state}”，只有已接收或已通知的钥匙可以邮寄。",
        "The key is {state}; only a received or notified key can be mailed.",
    ),
    "cancellation.bad_reason": (
        "注销原因“{reason}”无效，请选择遗失、损坏或不再使用。",
        "The reason “{reason}” is not valid: choose lost, damaged or no longer used.",
    ),
    "cancellation.unknown_document": (
        "不认识的材料：{names}。",
        "Unknown documents: {names}.",
    ),
    "cancellation.form_missing": (
        "缺少加盖公章的注销申请表，不能受理。",
        "The sealed cancellation form is missing; the cancellation cannot be taken.",
    ),
    "cancellation.statement_missing": (
        "钥匙遗失的，须提交书面说明。",
        "A lost key needs a written statement.",
    ),
    "cancellation.key_missing": (
        "钥匙未遗失的，须交回钥匙。",
        "Unless it is lost, the key itself must be handed in.",
    ),
    "cancellation.key_not_read": (
        "请插入钥匙，读取序列号后再受理。",
        "Insert the key so its serial can be read first.",
    ),
    "cancellation.lost_key_read": (
        "原因为遗失时不应交回钥匙；如钥匙已找到，请选择其他注销原因。",
        "A key reported lost cannot be handed in; if it was found, choose another reason.",
    ),
    "cancellation.serial_mismatch": (
        "插入钥匙的序列号 {read} 与记录 {expected} 不符，这不是要注销的钥匙。",
        "The inserted key's serial {read} does not match the record {expected}: this is not"
        " the key to cancel.",
    ),
    "cancellation.wrong_enterprise": (
        "这把钥匙不属于统一社会信用代码为 {uscc} 的企业。",
        "This key does not belong to the enterprise {uscc}.",
    ),
    "cancellation.enterprise_unknown": (
        "经办人核验未指明企业，请重新核验经办人。",
        "The agent check names no enterprise; please check the agent again.",
    ),
    "cancellation.key_state": (
        "钥匙当前状态为“{state}”，不能受理注销。",
        "The key is {state}; its cancellation cannot be taken.",
    ),
    "cancellation.not_cancellation": (
        "业务 {code} 不是钥匙注销业务。",
        "Case {code} is not a key cancellation.",
    ),
    "cancellation.same_person": (
        "受理人不能确认自己受理的注销，请另一位主管确认。",
        "You took this cancellation, so you cannot confirm it: another supervisor must.",
    ),
    "cancellation.confirm_role": (
        "只有主管可以确认注销。",
        "Only a supervisor can confirm a cancellation.",
    ),
    "cancellation.already_confirmed": (
        "该注销已由 {supervisor} 确认。",
        "This cancellation was already confirmed by {supervisor}.",
    ),
    "cancel_reason.lost": ("遗失", "lost"),
    "cancel_reason.damaged": ("损坏", "damaged"),
    "cancel_reason.no_longer_used": ("不再使用", "no longer used"),
    "shipment.not_found": ("没有编号为 {shipment_id} 的寄送记录。", "No shipment {shipment_id}."),
    "shipment.empty": ("请选择要寄送的注销业务。", "Choose the cancellations to ship."),
    "shipment.not_cancellation": (
        "业务 {code} 不是钥匙注销业务，不能寄送。",
        "Case {code} is not a key cancellation and cannot be shipped.",
    ),
    "shipment.not_confirmed": (
        "注销业务 {code} 尚未经主管确认，不能寄送。",
        "Cancellation {code} has not been confirmed by a supervisor and cannot be shipped.",
    ),
    "shipment.already_shipped": (
        "注销业务 {code} 已寄送过。",
        "Cancellation {code} was already shipped.",
    ),
    "shipment.case_closed": (
        "注销业务 {code} 已办结，不能寄送。",
        "Cancellation {code} is closed and cannot be shipped.",
    ),
    "shipment.key_state": (
        "注销业务 {code} 的钥匙当前状态为“{state}”，不能寄送。",
        "The key of cancellation {code} is {state} and cannot be shipped.",
    ),
    "provider_verdict.bad": (
        "服务商结果“{verdict}”无效，应为已注销或退回。",
        "The provider's verdict “{verdict}” is not valid: cancelled or refused.",
    ),
    "provider_verdict.remark_required": (
        "服务商退回的，请填写退回原因。",
        "A refusal needs the provider's remark.",
    ),
    "provider_verdict.not_shipped": (
        "业务 {code} 的钥匙当前状态为“{state}”，未在服务商处，不能登记结果。",
        "The key of case {code} is {state}, not with the provider: no verdict can be recorded.",
    ),
    "rating.very_satisfied": ("非常满意", "very satisfied"),
    "rating.satisfied": ("满意", "satisfied"),
    "rating.basic": ("基本满意", "basically satisfied"),
    "rating.dissatisfied": ("不满意", "dissatisfied"),
    "rating.very_dissatisfied": ("非常不满意", "very dissatisfied"),
    "rating.bad": ("评价“{rating}”无效。", "The rating “{rating}” is not valid."),
    "rating.who_enters": (
        "服务评价只能在办理结束时由经办人评价，或由该业务的窗口人员或主管登录后录入。",
        "A rating is given at the end of the service, or entered by the case's own clerk or "
        "a supervisor who is logged in.",
    ),
    "rating.not_own_case": (
        "业务 {code} 由 {operator} 办理，只有该窗口人员或主管可以录入评价。",
        "Case {code} was served by {operator}; only that clerk or a supervisor may enter "
        "its rating.",
    ),
    "rating.too_late": (
        "业务 {code} 办理已超过 {hours} 小时，窗口人员不能再录入评价，请主管录入。",
        "Case {code} was served more than {hours} hours ago, so the clerk can no longer "
        "enter its rating; a supervisor may.",
    ),
    "rating.already_rated": (
        "该业务已评价（{rating}），不能重复评价。",
        "This case was already rated ({rating}); it cannot be rated again.",
    ),
    "preview.not_stored": (
        "回执未能保存，没有打印：{problem}。请重试，如仍失败请运行 kiosk doctor。",
        "The receipt could not be stored and was not printed: {problem}. Retry, or run kiosk"
        " doctor.",
    ),
    "keybar.record_mail": ("登记邮寄并打印", "record and print"),
    "mo.recipient": ("收件人", "Recipient"),
    "mo.phone": ("收件人电话", "Phone"),
    "mo.address": ("收件地址", "Address"),
    "mo.courier": ("快递公司", "Courier"),
    "mo.waybill": ("运单号", "Waybill"),
    "mo.step_form": (
        "填写收件人、地址、快递公司和运单号后按 F5。",
        "Fill in recipient, address, courier and waybill, then F5.",
    ),
    "mo.done": ("已登记邮寄，业务单号 {code}。", "Recorded as mailed, case {code}."),
    # --- key intake and notice screens (screens/intake.py, screens/notice.py) ---
    "in.hand_title": (
        "按服务商清单手工登记待接收的钥匙：",
        "Enter an expected key by hand from the provider's list:",
    ),
    "in.uscc": ("统一社会信用代码", "Unified Social Credit Code"),
    "in.serial": ("钥匙序列号", "Key serial"),
    "in.kind_prompt": ("申领类型", "Application kind"),
    "in.kind_first": ("首次申领", "first key"),
    "in.kind_additional": ("增办", "additional key"),
    "in.kind_replacement": ("补办", "replacement"),
    "in.replaces": ("被替换钥匙的序列号", "Serial of the key it replaces"),
    "in.expect": ("登记待接收", "Record as expected"),
    "in.kind_required": ("请选择申领类型。", "Choose the application kind."),
    "in.serial_required": ("请输入钥匙序列号。", "Enter the key serial."),
    "in.replaces_required": (
        "补办请填写被替换钥匙的序列号。",
        "For a replacement, enter the serial of the key it replaces.",
    ),
    "in.replaces_unknown": (
        "没有序列号为 {serial} 的钥匙记录。",
        "No key with serial {serial} is recorded.",
    ),
    "in.expected_ok": (
        "已登记待接收钥匙 {serial}（{name}，{kind}）。",
        "Key {serial} recorded as expected ({name}, {kind}).",
    ),
    "in.insert_hint": (
        "请逐把插入服务商寄来的钥匙；读取完成后拔出，再插入下一把。",
        "Insert each key from the provider; when it has been read, take it out and insert the "
        "next.",
    ),
    "in.session_title": ("本次插入的钥匙：", "Keys inserted this session:"),
    "in.none_yet": ("尚未插入钥匙。", "No key inserted yet."),
    "in.reading": ("正在读取钥匙 {serial}……", "Reading key {serial}…"),
    "in.row_received": (
        "已接收  {serial}  {name}  {uscc}  通知截止 {due}",
        "received  {serial}  {name}  {uscc}  notice due {due}",
    ),
    "in.row_set_aside": ("单独存放  {serial}：{reason}", "SET ASIDE  {serial}: {reason}"),
    "in.row_failed": ("读取失败  {serial}：{reason}", "not read  {serial}: {reason}"),
    "in.received": (
        "钥匙 {serial} 已接收，请在 {due} 前通知企业。可拔出后插入下一把。",
        "Key {serial} received; notify the enterprise by {due}. Take it out and insert the next.",
    ),
    "in.set_aside": (
        "钥匙 {serial} 未接收，请单独存放。",
        "Key {serial} was not received: put it aside.",
    ),
    "in.read_failed": (
        "钥匙 {serial} 未能读取，请拔出后重新插入。",
        "Key {serial} could not be read: take it out and insert it again.",
    ),
    "in.nothing_to_print": (
        "本次还没有接收任何钥匙，没有可打印的清单。",
        "No key has been received this session: there is no list to print.",
    ),
    "keybar.intake_print": ("打印接收清单", "print intake list"),
    "keybar.record_notice": ("登记通知", "record notice"),
    "nt.title": ("待通知企业领取的钥匙", "Keys awaiting notice"),
    "nt.empty": ("没有待通知的钥匙。", "No key is awaiting notice."),
    "nt.overdue": ("逾期 {days} 个工作日", "overdue by {days} working day(s)"),
    "nt.left": ("还剩 {days} 个工作日", "{days} working day(s) left"),
    "nt.row": (
        "{name}  {uscc}  钥匙 {serial}  截止 {due}  联系人 {contact} {phone}",
        "{name}  {uscc}  key {serial}  due {due}  contact {contact} {phone}",
    ),
    "nt.channel_prompt": ("通知方式", "Told by"),
    "nt.delivery_prompt": ("领取方式", "Delivery"),
    "nt.channel_phone": ("电话", "phone"),
    "nt.channel_sms": ("短信", "SMS"),
    "nt.channel_email": ("电子邮件", "e-mail"),
    "nt.delivery_collect": ("到窗口自取", "collects at the counter"),
    "nt.delivery_mail": ("邮寄", "mail it"),
    "nt.step_pick": (
        "选择一把钥匙，选定通知方式和领取方式，按回车或 F5 登记。",
        "Pick a key, choose how the enterprise was told and how it gets the key, then press "
        "Enter or F5.",
    ),
    "nt.pick_row": ("请先选择要登记的钥匙。", "Pick the key first."),
    "nt.pick_channel": ("请选择通知方式（电话、短信或电子邮件）。", "Choose phone, SMS or e-mail."),
    "nt.pick_delivery": ("请选择自取或邮寄。", "Choose collect or mail."),
    "nt.chosen": (
        "已选择：{name}，钥匙 {serial}。请选定通知方式和领取方式后按 F5。",
        "Chosen: {name}, key {serial}. Choose how it was told and the delivery, then press F5.",
    ),
    "nt.recorded": (
        "已登记：{name} 已通过{channel}通知，{delivery}。",
        "Recorded: {name} was told by {channel}; {delivery}.",
    ),
    # --- walk-in cancellation and shipment screens (issue 5) ---
    "cx.step_find": ("第一步：查找要注销的钥匙。", "Step 1: find the key to cancel."),
    "cx.reason_title": ("注销原因", "Reason for cancellation"),
    "cx.documents_title": ("收取材料（请逐项核对后勾选）", "Documents received (tick each)"),
    "cx.step_details": (
        "经办人 {masked} 核验通过。第三步：选择注销原因并勾选材料；交回钥匙的请插入钥匙"
        " {serial}。然后按 F5 受理。",
        "Agent {masked} checked. Step 3: choose the reason and tick the documents; if the key"
        " is handed in, insert key {serial}. Then press F5.",
    ),
    "cx.reading": ("正在读取插入的钥匙……", "Reading the inserted key…"),
    "cx.key_read": (
        "已读取钥匙 {serial}，与记录一致。按 F5 受理。",
        "Key {serial} read: it matches the record. Press F5.",
    ),
    "cx.key_pulled": (
        "钥匙 {serial} 已被拔出，请重新插入后再受理。",
        "Key {serial} was pulled out: insert it again before taking the cancellation.",
    ),
    "cx.key_not_in": (
        "钥匙 {serial} 未插入或已被拔出，请插入后再受理。",
        "Key {serial} is not inserted (or was pulled out): insert it first.",
    ),
    "cx.record": ("受理注销（F5）", "Take the cancellation (F5)"),
    "cx.done": (
        "注销已受理，业务单号 {code}。须于 {due} 前寄送服务商（还剩 {days} 个工作日）。"
        "请打印回执，并由另一位主管确认。",
        "Cancellation taken, case {code}. Ship to the provider by {due} ({days} working days"
        " left). Print the receipt; another supervisor must confirm it.",
    ),
    "cx.confirm_title": ("待主管确认的注销", "Cancellations awaiting a supervisor"),
    "cx.confirm_none": ("没有待确认的注销。", "No cancellation awaits confirmation."),
    "cx.confirm_row": (
        "{code}  {name}  钥匙 {serial}  {reason}  受理人 {operator}",
        "{code}  {name}  key {serial}  {reason}  taken by {operator}",
    ),
    "cx.confirm_go": ("主管确认（F6）", "Supervisor confirms (F6)"),
    "cx.confirm_pick": (
        "请先在待确认列表中选择一项注销。",
        "First pick a cancellation in the list awaiting confirmation.",
    ),
    "cx.confirmed": (
        "注销 {code} 已由 {supervisor} 确认，可以寄送服务商。",
        "Cancellation {code} confirmed by {supervisor}: it can be shipped to the provider.",
    ),
    "keybar.record_cancellation": ("受理注销", "take cancellation"),
    "keybar.confirm_cancellation": ("主管确认", "supervisor confirms"),
    "receipt.cancel_next": (
        "窗口核对材料后寄送服务商注销；服务商注销后该钥匙即作废，不能再使用。",
        "The office checks the documents and ships them to the provider; once the provider"
        " cancels it the key is void.",
    ),
    "workflow.shipment": ("寄送服务商注销", "Ship cancellations to the provider"),
    "sh.awaiting_title": (
        "待寄送的注销（空格键选择，期限早的在前）",
        "Cancellations to ship (Space selects; earliest due first)",
    ),
    "sh.row": (
        "{mark}{code}  {name}  钥匙 {serial}  {reason}  寄送期限 {due}",
        "{mark}{code}  {name}  key {serial}  {reason}  ship by {due}",
    ),
    "sh.overdue_mark": ("【已逾期】", "[OVERDUE] "),
    "sh.none": ("没有待寄送的注销。", "No cancellation waits to be shipped."),
    "sh.courier": ("快递公司", "Courier"),
    "sh.waybill": ("运单号", "Waybill number"),
    "sh.step": (
        "选择要寄送的注销，填写快递公司和运单号后按 F5 寄送并打印清单。",
        "Select the cancellations, enter courier and waybill, then press F5 to ship and print"
        " the manifest.",
    ),
    "sh.shipped": (
        "已寄送 {count} 件，清单号 {code}，运单号 {waybill}。请打印清单随件寄出。",
        "{count} shipped, manifest {code}, waybill {waybill}. Print the manifest and put it"
        " in the parcel.",
    ),
    "sh.verdict_title": (
        "已寄出、等待服务商结果",
        "Shipped, awaiting the provider's verdict",
    ),
    "sh.verdict_row": (
        "{code}  {name}  钥匙 {serial}  {courier} {waybill}",
        "{code}  {name}  key {serial}  {courier} {waybill}",
    ),
    "sh.verdict_none": ("没有等待服务商结果的注销。", "No shipped cancellation awaits a verdict."),
    "sh.remark": ("服务商备注（退回时必填）", "Provider's remark (required for a refusal)"),
    "sh.verdict_pick": (
        "请先在等待结果列表中选择一项。",
        "First pick a case in the list awaiting the verdict.",
    ),
    "sh.recorded_cancelled": (
        "业务 {code}：服务商已注销，钥匙作废，业务办结。",
        "Case {code}: cancelled by the provider; the key is void and the case closed.",
    ),
    "sh.recorded_refused": (
        "业务 {code}：服务商退回（{remark}），钥匙回到待寄送列表。",
        "Case {code}: refused by the provider ({remark}); the key is back in the list to ship.",
    ),
    "keybar.ship": ("寄送并打印清单", "ship and print"),
    "keybar.verdict_cancelled": ("服务商已注销", "provider cancelled"),
    "keybar.verdict_refused": ("服务商退回", "provider refused"),
    # --- case list, daily report, service rating (issue 5: cases and deadlines) ---
    "keybar.search": ("搜索", "search"),
    "keybar.open_case": ("打开业务", "open case"),
    "keybar.rate": ("服务评价", "rate service"),
    "cases.title": ("业务查询", "Cases"),
    "cases.search_placeholder": (
        "业务单号、统一社会信用代码、企业名称（部分）或钥匙序列号，按回车查询",
        "Tracking code, USCC, company name (part) or key serial; press Enter",
    ),
    "cases.scope_today": ("今日受理", "opened today"),
    "cases.scope_open": ("办理中", "open"),
    "cases.scope_overdue": ("已逾期", "overdue"),
    "cases.scope_all": ("全部", "all"),
    "cases.kind_all": ("全部类型", "all kinds"),
    "cases.col_code": ("业务单号", "Tracking code"),
    "cases.col_kind": ("业务类型", "Kind"),
    "cases.col_enterprise": ("企业", "Enterprise"),
    "cases.col_opened": ("受理时间", "Opened"),
    "cases.col_due": ("办理期限", "Due"),
    "cases.col_state": ("状态", "State"),
    "cases.due_left": ("{due}（还剩 {days} 个工作日）", "{due} ({days} working days left)"),
    "cases.due_today": ("{due}（今日到期）", "{due} (due today)"),
    "cases.due_overdue": (
        "{due}（已逾期 {days} 个工作日）",
        "{due} (overdue by {days} working days)",
    ),
    "cases.none": ("没有符合条件的业务。", "No case matches."),
    "cases.count": (
        "共 {count} 条业务，按回车打开所选业务。",
        "{count} cases; Enter opens the selected one.",
    ),
    "cases.more": (
        "仅显示最新的 {limit} 条，请输入更多查询条件。",
        "Only the newest {limit} are shown; narrow the search.",
    ),
    "case.rating_prompt": (
        "服务评价（请办事人选择）：{grades}",
        "Service rating (the agent chooses): {grades}",
    ),
    "case.rating": ("服务评价：{rating}", "Service rating: {rating}"),
    "case.rating_flagged": (
        "差评已标记，待主管跟进处理。",
        "Dissatisfied: flagged for the supervisor.",
    ),
    "case.rated": ("已记录服务评价，谢谢。", "Rating recorded, thank you."),
    "cli.report_bad_date": (
        "日期“{value}”无效，请按 YYYY-MM-DD 输入，例如 2026-11-25。",
        "The date “{value}” is not valid; use YYYY-MM-DD, e.g. 2026-11-25.",
    ),
    "report.title": ("{office} 业务日报　{day}", "{office} daily report, {day}"),
    "report.opened": ("当日受理业务：{count} 件", "Cases opened: {count}"),
    "report.opened_line": ("  {kind}　{outcome}：{count} 件", "  {kind}, {outcome}: {count}"),
    "report.outcome_open": ("办理中", "open"),
    "report.outcome_handed_over": ("已领取", "handed over"),
    "report.outcome_mailed": ("已邮寄", "mailed"),
    "report.outcome_cancelled": ("已注销", "cancelled"),
    "report.outcome_notified": ("已通知", "notified"),
    "report.outcome_set_aside": ("已搁置", "set aside"),
    "report.outcome_closed": ("已办结", "closed"),
    "report.outcome_done": ("已完成", "done"),
    "report.closed": (
        "当日办结：{count} 件，按期 {met} 件，逾期 {missed} 件",
        "Closed: {count}; deadline met {met}, missed {missed}",
    ),
    "report.missed_line": (
        "  逾期：{code}（期限 {due}，晚 {days} 个工作日）",
        "  missed: {code} (due {due}, {days} working days late)",
    ),
    "report.open_overdue": (
        "当日结束时仍逾期未办结：{count} 件",
        "Open and overdue at day end: {count}",
    ),
    "report.rating_line": ("  服务评价　{rating}：{count} 件", "  rating {rating}: {count}"),
    "report.flagged": ("差评待主管跟进：{codes}", "Flagged for the supervisor: {codes}"),
    "report.printed": (
        "已发送业务日报到 {spec}（{bytes} 字节）。",
        "Daily summary sent to {spec} ({bytes} bytes).",
    ),
    "cx.confirm_need_password": (
        "请主管输入用户名和密码后再按 F6 确认。",
        "The supervisor types their name and password, then F6.",
    ),
    "preview.rate": ("请经办人评价本次服务：{choices}", "The agent rates this service: {choices}"),
    "preview.rated": ("已记录评价：{rating}。谢谢！", "Rating recorded: {rating}. Thank you!"),
    "preview.flagged": ("已转主管跟进。", "Passed to the supervisor to follow up."),
    "auth.supervisor_only": ("只有主管可以处理。", "Only a supervisor can do this."),
    "rating.not_flagged": (
        "业务 {code} 没有待跟进的差评。",
        "Case {code} has no rating to follow up.",
    ),
    "home.flagged": (
        "　差评待跟进：{count} 件（业务查询中打开，按 F 处理）",
        "   Ratings to follow up: {count} (open the case, press F)",
    ),
    "case.followed_up": ("已记录跟进，标记已解除。", "Follow-up recorded; the flag is cleared."),
    "keybar.follow_up": ("差评已跟进", "followed up"),
    "cli.bad_counter": (
        "窗口号应为1至99，输入为 {counter}。",
        "The counter number is 1-99, not {counter}.",
    ),
    "cli.counter_exists": (
        "{office} 的 {counter} 号窗口已登记。",
        "Counter {counter} of {office} is already registered.",
    ),
    "cli.provider_name_required": ("请给出提供方名称。", "Give the provider a name."),
    "cli.provider_exists": ("提供方 {name} 已登记。", "Provider {name} is already registered."),
    "cli.refused_count": ("中心拒收的事件：{count} 条。", "Events the centre refused: {count}."),
    # --- sync with the central API (issue 6) ---
    "status.sync_last": ("上次成功 {time}", "last success {time}"),
    "status.sync_never": ("尚未成功同步", "not synced yet"),
    "status.sync_refused": ("中心拒收 {count} 条", "{count} refused by the centre"),
    "sync.not_configured": (
        "未配置中心地址（[central] url）。",
        "No central address is set ([central] url).",
    ),
    "sync.no_token": (
        "缺少本窗口的访问令牌：请设置环境变量 KIOSK_CENTRAL_TOKEN。",
        "This counter's token is missing: set the KIOSK_CENTRAL_TOKEN environment variable.",
    ),
    "sync.timeout": (
        "中心在规定时间内没有应答，稍后重试。",
        "The centre did not answer in time; will try again.",
    ),
    "sync.unreachable": ("无法连接中心，稍后重试。", "Cannot reach the centre; will try again."),
    "sync.connection_lost": (
        "与中心的连接中断，稍后重试。",
        "The connection to the centre broke; will try again.",
    ),
    "sync.busy": (
        "中心繁忙（{status}），稍后重试。",
        "The centre is busy ({status}); will try again.",
    ),
    "sync.bad_answer": (
        "中心的应答无法识别，稍后重试。",
        "The centre's answer could not be read; will try again.",
    ),
    "sync.tls": (
        "中心的证书无法验证，同步已停止：请检查地址和 [central] ca_file。",
        "The centre's certificate cannot be verified, so sync has stopped: check the address"
        " and [central] ca_file.",
    ),
    "sync.auth": (
        "中心不认可本窗口的访问令牌，同步已停止：请检查 KIOSK_CENTRAL_TOKEN。",
        "The centre does not accept this counter's token, so sync has stopped: check"
        " KIOSK_CENTRAL_TOKEN.",
    ),
    "sync.forbidden": (
        "令牌不属于本窗口或本单位，同步已停止：请检查 [counter] 设置和令牌。（{detail}）",
        "The token belongs to another counter or office, so sync has stopped: check [counter]"
        " and the token. ({detail})",
    ),
    "sync.chain": (
        "中心保存的本窗口记录与本地不一致，同步已停止：请联系主管。（{detail}）",
        "The centre holds a different history for this counter, so sync has stopped: call the"
        " supervisor. ({detail})",
    ),
    "sync.malformed": (
        "中心拒绝了本批数据，同步已停止：请联系技术支持。（{detail}）",
        "The centre refused this batch as malformed, so sync has stopped: call support. ({detail})",
    ),
    "sync.unexpected": (
        "中心返回了意外的应答 {status}，同步已停止。（{detail}）",
        "The centre gave an unexpected answer {status}, so sync has stopped. ({detail})",
    ),
    "sync.change_unknown": ("未知的变更类型 {kind}", "unknown change kind {kind}"),
    "sync.change_malformed": ("变更内容不完整或格式错误", "the change is incomplete or malformed"),
    "sync.done": (
        "同步完成：上传 {pushed} 条（其中中心拒收 {refused} 条），"
        "接收变更 {pulled} 条，待上传 {backlog} 条。",
        "Sync done: {pushed} events sent ({refused} refused by the centre), {pulled} changes"
        " received, {backlog} waiting.",
    ),
    "sync.failed": (
        "同步未完成：{problem} 待上传 {backlog} 条。",
        "Sync did not finish: {problem} {backlog} waiting.",
    ),
    "sync.status_line": (
        "待上传 {backlog} 条；中心拒收 {refused} 条；上次成功：{last}；最近问题：{problem}",
        "Waiting: {backlog}; refused by the centre: {refused}; last success: {last}; last"
        " problem: {problem}",
    ),
    "sync.none": ("无", "none"),
    "sync.refused_line": ("#{seq} {at} {kind}：{reason}", "#{seq} {at} {kind}: {reason}"),
    "sync.internal": (
        "同步时本机出错（{problem}），稍后重试。",
        "Sync failed on this machine ({problem}); will try again.",
    ),
    "print.not_recorded": (
        "回执已打印，但打印结果未能保存（{problem}）。",
        "The receipt was printed, but that could not be recorded ({problem}).",
    ),
    "sync.resending": (
        "中心缺少第 {seq} 条起的记录，正在重新上传。",
        "The centre lacks the events from number {seq} on; sending them again.",
    ),
    "sync.change_failed": (
        "变更无法应用（{problem}）",
        "the change could not be applied ({problem})",
    ),
    "keybar.sync_status": ("同步状态", "sync"),
    "keybar.sync_now": ("立即同步", "sync now"),
    "sync_screen.title": ("与中心同步", "Sync with the centre"),
    "sync_screen.refused_title": (
        "中心拒收的记录（请主管核查）",
        "Events the centre refused (for the supervisor to look into)",
    ),
    "sync_screen.seq": ("序号", "No."),
    "sync_screen.at": ("时间", "Time"),
    "sync_screen.kind": ("记录类型", "Kind"),
    "sync_screen.reason": ("拒收原因", "Reason"),
    "sync_screen.supervisors_only": (
        "同步状态仅供主管查看。",
        "The sync state is for supervisors.",
    ),
}
