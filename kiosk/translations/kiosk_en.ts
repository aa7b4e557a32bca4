<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="zh_CN">
<context>
    <name>kiosk</name>
    <message>
        <source>暂停取号：正在连接叫号系统，恢复后自动继续</source>
        <translation>Ticketing paused: connecting to the queue system; it resumes by itself</translation>
    </message>
    <message>
        <source>号票没有打印出来。请记住号码或用手机扫描二维码，也可以点“补打号票”。</source>
        <translation>The ticket did not print. Note the number or scan the QR code with your phone, or touch “Reprint ticket”.</translation>
    </message>
    <message>
        <source>身份证号码无法识别，请重新放置身份证</source>
        <translation>The ID card could not be read; please place it on the reader again</translation>
    </message>
    <message>
        <source>本机未设置身份证读卡，请到服务台咨询</source>
        <translation>This kiosk does not read ID cards; please ask at the service desk</translation>
    </message>
    <message>
        <source>取号机</source>
        <translation>Ticket kiosk</translation>
    </message>
    <message>
        <source>暂时无法取号，请到服务台咨询</source>
        <translation>No ticket can be issued now; please ask at the service desk</translation>
    </message>
    <message>
        <source>其他业务</source>
        <translation>Other services</translation>
    </message>
    <message>
        <source>长辈模式</source>
        <translation>Senior mode</translation>
    </message>
    <message>
        <source>退出长辈模式</source>
        <translation>Leave senior mode</translation>
    </message>
    <message>
        <source>字号</source>
        <translation>Text size</translation>
    </message>
    <message>
        <source>请点击屏幕开始取号</source>
        <translation>Touch the screen to take a number</translation>
    </message>
    <message>
        <source>请选择办理区域</source>
        <translation>Choose an area</translation>
    </message>
    <message>
        <source>等候 {n} 人</source>
        <translation>{n} waiting</translation>
    </message>
    <message>
        <source>优先取号
老年人、残疾人、孕妇、军人等</source>
        <translation>Priority ticket
Seniors, disabled people,
pregnant women, service members</translation>
    </message>
    <message>
        <source>预约签到</source>
        <translation>Booking check-in</translation>
    </message>
    <message>
        <source>输入或扫描预约码</source>
        <translation>Type or scan
your booking code</translation>
    </message>
    <message>
        <source>预约码 {code}：请选择预约的业务</source>
        <translation>Booking {code}: choose the booked service</translation>
    </message>
    <message>
        <source>优先取号：请选择业务</source>
        <translation>Priority ticket: choose a service</translation>
    </message>
    <message>
        <source>已读取身份证：请选择业务</source>
        <translation>ID card read: choose a service</translation>
    </message>
    <message>
        <source>请选择业务</source>
        <translation>Choose a service</translation>
    </message>
    <message>
        <source>预约码 {code}：请选择办理区域</source>
        <translation>Booking {code}: choose the area</translation>
    </message>
    <message>
        <source>优先取号：请选择办理区域</source>
        <translation>Priority ticket: choose the area</translation>
    </message>
    <message>
        <source>已读取身份证：请选择办理区域</source>
        <translation>ID card read: choose the area</translation>
    </message>
    <message>
        <source>等候 {n} 人 · 约 {m} 分钟</source>
        <translation>{n} waiting · about {m} min</translation>
    </message>
    <message>
        <source>暂不可取：{why}</source>
        <translation>Not available: {why}</translation>
    </message>
    <message>
        <source>今日号已取完</source>
        <translation>all of today's tickets are taken</translation>
    </message>
    <message>
        <source>今日不办理</source>
        <translation>not served today</translation>
    </message>
    <message>
        <source>现在不取号（取号时间 {hours}）</source>
        <translation>no tickets now (tickets {hours})</translation>
    </message>
    <message>
        <source>本时段号已取完（{hours}）</source>
        <translation>this time slot is full ({hours})</translation>
    </message>
    <message>
        <source>仅限预约取号（{hours}）</source>
        <translation>bookings only ({hours})</translation>
    </message>
    <message>
        <source>本区业务现在都不能取号</source>
        <translation>No service here issues tickets now</translation>
    </message>
    <message>
        <source>现在仅 {k}/{n} 项业务可取号</source>
        <translation>Only {k} of {n} services issue tickets now</translation>
    </message>
    <message>
        <source>暂停取号：本机还没有连上叫号系统，请到服务台咨询</source>
        <translation>Ticketing paused: this kiosk has not reached the queue system yet; please ask at the service desk</translation>
    </message>
    <message>
        <source>上一页</source>
        <translation>Previous</translation>
    </message>
    <message>
        <source>下一页</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>第 {i}/{n} 页</source>
        <translation>Page {i} of {n}</translation>
    </message>
    <message>
        <source>{n} 秒后返回首页</source>
        <translation>Back to start in {n} s</translation>
    </message>
    <message>
        <source>前面没有人等候</source>
        <translation>Nobody is ahead of you</translation>
    </message>
    <message>
        <source>预计等候</source>
        <translation>Expected wait:</translation>
    </message>
    <message>
        <source>返回首页</source>
        <translation>Back to start</translation>
    </message>
    <message>
        <source>请输入预约码，或把预约二维码对准扫描口</source>
        <translation>Type your booking code, or hold its QR code to the scanner</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>正在取号，请稍候……</source>
        <translation>Issuing your ticket, please wait…</translation>
    </message>
    <message>
        <source>您的号码</source>
        <translation>Your number</translation>
    </message>
    <message>
        <source>前面还有 {n} 人</source>
        <translation>Ahead of you: {n}</translation>
    </message>
    <message>
        <source>预计等候约 {m} 分钟</source>
        <translation>Estimated wait: about {m} min</translation>
    </message>
    <message>
        <source>手机扫码查看排队进度</source>
        <translation>Scan to follow the queue on your phone</translation>
    </message>
    <message>
        <source>正在打印号票……</source>
        <translation>Printing your ticket…</translation>
    </message>
    <message>
        <source>请取走您的号票</source>
        <translation>Please take your ticket</translation>
    </message>
    <message>
        <source>打印纸即将用完</source>
        <translation>Printer paper is running low</translation>
    </message>
    <message>
        <source>补打号票</source>
        <translation>Reprint ticket</translation>
    </message>
    <message>
        <source>补打丢失的号票</source>
        <translation>Reprint a lost ticket</translation>
    </message>
    <message>
        <source>完成，返回首页</source>
        <translation>Done, back to start</translation>
    </message>
    <message>
        <source>没有出号</source>
        <translation>No ticket was issued</translation>
    </message>
    <message>
        <source>这次取号没有完成</source>
        <translation>Your ticket was not completed</translation>
    </message>
    <message>
        <source>叫号系统没有及时回应，这次的号作废。请重新取号，或到服务台咨询</source>
        <translation>The queue system did not answer in time, so this number is void. Please take a number again, or ask at the service desk</translation>
    </message>
    <message>
        <source>需要更多时间吗？</source>
        <translation>Do you need more time?</translation>
    </message>
    <message>
        <source>需要，继续</source>
        <translation>Yes, continue</translation>
    </message>
    <message>
        <source>预约码格式不对，请核对后重新输入</source>
        <translation>That booking code is not valid; please check it</translation>
    </message>
    <message>
        <source>打印机无法使用，请到服务台取号</source>
        <translation>The printer cannot be used; please get a ticket at the service desk</translation>
    </message>
    <message>
        <source>打印失败</source>
        <translation>Printing failed</translation>
    </message>
    <message>
        <source>打印机故障</source>
        <translation>Printer fault</translation>
    </message>
    <message>
        <source>打印机缺纸</source>
        <translation>The printer is out of paper</translation>
    </message>
    <message>
        <source>打印机盖未关好</source>
        <translation>The printer cover is open</translation>
    </message>
    <message>
        <source>打印机离线</source>
        <translation>The printer is offline</translation>
    </message>
    <message>
        <source>打印机无法连接</source>
        <translation>The printer cannot be reached</translation>
    </message>
    <message>
        <source>打印机连接中断</source>
        <translation>The printer connection broke</translation>
    </message>
    <message>
        <source>打印机无法打印中文</source>
        <translation>The printer cannot print Chinese</translation>
    </message>
    <message>
        <source>无需等候</source>
        <translation>no wait</translation>
    </message>
    <message>
        <source>约 {m} 分钟</source>
        <translation>about {m} min</translation>
    </message>
    <message>
        <source>约 {low}–{high} 分钟</source>
        <translation>about {low}–{high} min</translation>
    </message>
    <message>
        <source>约 {high} 分钟以内</source>
        <translation>within about {high} min</translation>
    </message>
    <message>
        <source>暂无法估计</source>
        <translation>no estimate for now</translation>
    </message>
    <message>
        <source>优先</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>预约</source>
        <translation>Booking</translation>
    </message>
    <message>
        <source>暂停取号：正在连接叫号系统，请稍候</source>
        <translation>Ticketing paused: connecting to the queue system, please wait</translation>
    </message>
    <message>
        <source>网络中断，请稍后再试，或到服务台咨询</source>
        <translation>The network dropped; please try again, or ask at the service desk</translation>
    </message>
    <message>
        <source>叫号系统没有回应，请稍后再试</source>
        <translation>The queue system did not answer; please try again</translation>
    </message>
    <message>
        <source>现在不在该业务的取号时间内</source>
        <translation>This service issues no tickets at this time</translation>
    </message>
    <message>
        <source>该业务今日号已取完，请明天再来或到服务台咨询</source>
        <translation>All of today's tickets for this service are taken; please come back tomorrow or ask at the service desk</translation>
    </message>
    <message>
        <source>该业务本时段号已取完，请稍后再来</source>
        <translation>All tickets of this time slot are taken; please come back later</translation>
    </message>
    <message>
        <source>该业务现在仅限预约取号，请先预约或在预约码签到后取号</source>
        <translation>This service takes bookings only now; please book first or check in your booking code</translation>
    </message>
    <message>
        <source>该预约码已经签到取号，不能重复使用</source>
        <translation>This booking code has already been checked in</translation>
    </message>
    <message>
        <source>该业务暂不办理，请到服务台咨询</source>
        <translation>This service is not available; please ask at the service desk</translation>
    </message>
    <message>
        <source>您今天已经取过该业务的号</source>
        <translation>You already have a ticket for this service today</translation>
    </message>
    <message>
        <source>该号已经叫过或已办结，不能补打</source>
        <translation>This number was already called or served; it cannot be reprinted</translation>
    </message>
    <message>
        <source>没有找到这张号票</source>
        <translation>This ticket was not found</translation>
    </message>
    <message>
        <source>这张身份证今天没有等候中的号</source>
        <translation>This ID card has no waiting ticket today</translation>
    </message>
    <message>
        <source>操作太快，请稍后再试</source>
        <translation>Too fast; please try again in a moment</translation>
    </message>
    <message>
        <source>叫号系统响应太慢，这次没有出号，请重新取号</source>
        <translation>The queue system answered too late; no ticket was issued. Please take a number again</translation>
    </message>
    <message>
        <source>打印机缺纸，请到服务台取号</source>
        <translation>The printer is out of paper; please get a ticket at the service desk</translation>
    </message>
    <message>
        <source>打印机盖未关好，请到服务台取号</source>
        <translation>The printer cover is open; please get a ticket at the service desk</translation>
    </message>
    <message>
        <source>打印机离线，请到服务台取号</source>
        <translation>The printer is offline; please get a ticket at the service desk</translation>
    </message>
    <message>
        <source>打印机无法连接，请到服务台取号</source>
        <translation>The printer cannot be reached; please get a ticket at the service desk</translation>
    </message>
    <message>
        <source>打印机故障，请到服务台取号</source>
        <translation>The printer has a fault; please get a ticket at the service desk</translation>
    </message>
    <message>
        <source>打印机连接中断，请到服务台取号</source>
        <translation>The printer connection broke; please get a ticket at the service desk</translation>
    </message>
    <message>
        <source>打印机无法打印中文，请到服务台取号</source>
        <translation>The printer cannot print Chinese; please get a ticket at the service desk</translation>
    </message>
</context>
</TS>
