"""The standard phrases a centre starts with (issue 18 point 6; pure data): 002 第13篇
(客服中心电话服务规范用语, 1–20), 第17/18篇 (规范用语 1–35, “不可以说”), 000 第8篇 (the three-field
identity check) and the festival greetings of 000 第5篇 and 002 第13篇 20. Each phrase names
its source.

The phrases never to say that are marked `checked` are exactly the words of the default
forbidden-phrase check (`checks/default_rules.json`), their exceptions its exclusions: a
test holds the two together. The others describe a behaviour an inspector judges."""

from __future__ import annotations

from kefu.quality.phrasebook import PhraseSpec

__all__ = ["default_phrases"]

S, F = "recommended", "forbidden"


def _say(situation: str, text: str, source: str, when: str = "", holiday: str = "") -> PhraseSpec:
    return PhraseSpec(situation, S, text, when=when, holiday=holiday, source=source)


def _never(situation: str, text: str, source: str, exceptions: str = "") -> PhraseSpec:
    """A phrase never to say, looked for in every transcript."""
    return PhraseSpec(situation, F, text, checked=True, exceptions=exceptions, source=source)


def _behaviour(situation: str, text: str, source: str) -> PhraseSpec:
    """Something never to do, which an inspector judges (not looked for in words)."""
    return PhraseSpec(situation, F, text, source=source)


def default_phrases(greeting: str, hotline: str = "") -> list[PhraseSpec]:
    """The library, opening with `greeting` (the centre's name, e.g. 国网95598) and closing
    with the `hotline` number when there is one."""
    call_us = f"请随时拨打{hotline}与我们联系" if hotline else "请随时与我们联系"
    return [
        # 开头语
        _say("greeting", f"{greeting}，您好，很高兴为您服务。", "002 第13篇 1"),
        _say(
            "greeting",
            f"您好，欢迎致电{greeting}，客服代表×××很高兴为您服务，请问有什么可以帮助您？",
            "002 第17篇 1",
        ),
        _say(
            "greeting",
            f"您好，这里是{greeting}，您是×××先生/女士吗？",
            "002 第13篇 1",
            when="回访或与客户联系时",
        ),
        _say(
            "greeting",
            "您好！请问有什么可以帮助您？（稍停5秒仍无声，再问一遍；仍无声则说：）对不起，您的电话没有声音，请您换一部电话再次打来，好吗？再见！",
            "002 第17篇 3",
            when="无声电话",
        ),
        _say(
            "greeting",
            f"对不起，这里是{greeting}，请您查证后再拨。",
            "002 第17篇 13",
            when="客户拨错电话",
        ),
        _never(
            "greeting",
            "喂",
            "002 第13篇 1、4、5、15",
            exceptions="喂养、喂奶、喂食、喂药、喂料、投喂",
        ),
        _never("greeting", "我听的见", "002 第13篇 1"),
        _never("greeting", "说话呀", "002 第17篇 1"),
        _never("greeting", "再不说话我就挂了", "002 第17篇 3"),
        _never("greeting", "打错电话了", "002 第17篇 13"),
        # 核实身份
        _say(
            "identity",
            "为了保障您的信息安全，请您提供户主姓名、户号和证件号码后四位，以便核实身份，好吗？",
            "000 第8篇（三要素身份核实）",
        ),
        _say(
            "identity",
            "×先生/女士，请问有什么可以帮助您？",
            "002 第17篇 2",
            when="已知客户姓氏后，称呼客户的姓",
        ),
        _say(
            "identity",
            "对不起，我的工号是×××号。",
            "002 第17篇 24",
            when="客户询问座席个人信息",
        ),
        _behaviour("identity", "无动于衷，无视客户的姓名", "002 第17篇 2"),
        # 听不清或听不懂
        _say(
            "unclear",
            "对不起先生/女士，由于线路的问题，我没有听清楚您的意思，您能再重复一遍吗？",
            "002 第13篇 2",
        ),
        _say("unclear", "对不起，麻烦您将刚才反映的问题再复述一遍，好吗？", "002 第17篇 11"),
        _say(
            "unclear",
            "对不起，您的声音太小，请您拿起话筒说话好吗？",
            "002 第17篇 4",
            when="客户使用免提",
        ),
        _say("unclear", "对不起，请您讲普通话，好吗？谢谢！", "002 第17篇 7", when="客户讲方言"),
        _say(
            "unclear",
            "先生/女士很抱歉，因线路问题我现在听不到您的讲话，希望您能换一部电话与我们联系，感谢您致电，再见。",
            "002 第13篇 15",
            when="线路问题无法听到客户讲话",
        ),
        _never("unclear", "您说话呀", "002 第13篇 2"),
        _never("unclear", "您说什么", "002 第13篇 2、12"),
        _never("unclear", "你说什么", "002 第17篇 11"),
        _never("unclear", "我听不懂", "002 第13篇 12"),
        _never("unclear", "您听见没有", "002 第13篇 6"),
        _never("unclear", "大声一点儿", "002 第17篇 4"),
        _behaviour("unclear", "只以“嗯？”“多少？”“什么？”反问客户", "002 第13篇 2"),
        _behaviour("unclear", "不作说明直接挂机", "002 第17篇 5、6、7"),
        # 等待与返回
        _say(
            "hold",
            "对不起，请您稍等片刻，好吗？",
            "002 第17篇 22",
            when="需要客户等待时，先征求同意",
        ),
        _say(
            "hold",
            "先生/女士抱歉，您的问题需要向主管咨询，请您不要挂机，等待一下可以吗？",
            "002 第13篇 3",
            when="需要向主管咨询后答复",
        ),
        _say(
            "hold",
            "由于信息量很大，系统处理要花一些时间，您需要稍等，请原谅！",
            "002 第13篇 5",
            when="等候中客户追问",
        ),
        _say("hold", "对不起，让您久等了。", "002 第13篇 4；第17篇 22", when="等待之后"),
        _say("hold", "麻烦您记录一下，好吗？", "002 第17篇 12", when="需要客户记录较长信息"),
        _never("hold", "我问一下吧", "002 第13篇 3"),
        _never("hold", "我不知道", "002 第13篇 3、19"),
        _never("hold", "我告诉您", "002 第13篇 4"),
        _never("hold", "我查了一下", "002 第13篇 4"),
        _never("hold", "您记一下", "002 第13篇 4"),
        _never("hold", "我不是正在给您查", "002 第13篇 5"),
        _never("hold", "您等会不行", "002 第13篇 5"),
        _behaviour("hold", "没有征求客户的同意就离席问问题", "002 第13篇 3"),
        _behaviour("hold", "等待中长时间沉默", "002 第13篇 5"),
        # 转接
        _say(
            "transfer",
            "我需要将您的电话转给专席处理，您看可以吗？（客户同意后再转接，并说“谢谢您！”）",
            "002 第13篇 7",
        ),
        _say("transfer", "好，请您稍等，我马上帮您转接。", "002 第13篇 8", when="客户要求转接"),
        _say(
            "transfer",
            "先生/女士抱歉，××现在正忙，您有什么需要帮助，我可以帮您转告，或让他给您回电话，您看可以吗？",
            "002 第13篇 9",
            when="要找的人不在或正忙",
        ),
        _never("transfer", "等会儿", "002 第13篇 8"),
        _never("transfer", "他忙着呢", "002 第13篇 9"),
        _never("transfer", "您待会再找他", "002 第13篇 9"),
        _behaviour("transfer", "客户不同意时私自把电话转出", "002 第13篇 7"),
        # 致歉
        _say("apology", "对不起，请您原谅。", "002 第17篇 26"),
        _say("apology", "对不起，很抱歉。", "002 第17篇 26"),
        _say("apology", "没关系，请不必介意。", "002 第17篇 27", when="客户向座席致歉"),
        _behaviour("apology", "没有抱歉的口气", "002 第17篇 26"),
        # 拒绝与无法办理
        _say(
            "refusal",
            "很抱歉，这超出我们的服务范围，恐怕我不能帮助您。",
            "002 第17篇 30",
        ),
        _say(
            "refusal",
            "感谢您提出的宝贵意见，我们会针对您所提出的意见进行调查，如有需要，会考虑修改相关规定。",
            "002 第13篇 16",
            when="客户有无理要求",
        ),
        _say(
            "refusal",
            "先生/女士很抱歉，我手边没有相关资料，您可以和××联系咨询一下，他们是专门负责这个问题的。",
            "002 第13篇 19",
            when="查不到客户想要的资料",
        ),
        _never("refusal", "不可能", "002 第13篇 16；第17篇 30"),
        _never("refusal", "我们办不到", "002 第13篇 16"),
        _never("refusal", "我们做不到", "002 第13篇 16"),
        _never("refusal", "没办法解决", "002 第13篇 18"),
        # 投诉与抱怨
        _say(
            "complaint",
            "先生/女士，真对不起给您带来这么多麻烦，请您不要生气，您的意思我明白，我会尽快帮助您协调的。",
            "002 第13篇 11",
            when="客户抱怨，解释之前",
        ),
        _say(
            "complaint",
            "很抱歉，先生/女士，多谢您反映的意见，我们会尽快向上级部门反映，并在2小时之内（简单投诉）/24小时之内（复杂投诉）给您明确的答复。",
            "002 第17篇 20",
            when="无法当场答复的投诉",
        ),
        _say(
            "complaint",
            "对不起，由于我们服务不周给您添麻烦了，请您原谅，您是否能将详细情况告诉我？",
            "002 第17篇 18",
            when="投诉座席态度，记录后提交组长或主管",
        ),
        _say(
            "complaint",
            "先生/女士很抱歉给您带来这么多麻烦，您所反映的问题我们已经做了相关记录，一经核实，会对其进行严肃处理。",
            "002 第13篇 19",
            when="投诉其他工作人员",
        ),
        _never("complaint", "您的意思我不懂", "002 第13篇 11"),
        _never("complaint", "您到底让我们怎么办", "002 第13篇 11"),
        _never("complaint", "不是我接的", "002 第17篇 18"),
        _never("complaint", "不关我的事", "002 第17篇 19"),
        _never("complaint", "我不清楚", "002 第17篇 19、20"),
        _never("complaint", "您过两天再来电话", "002 第17篇 20"),
        _never("complaint", "我是新手", "002 第17篇 17"),
        _never("complaint", "我也没办法", "002 第17篇 15"),
        _behaviour("complaint", "在客户抱怨时打断客户的讲话", "002 第13篇 10"),
        _behaviour("complaint", "推脱客户、回避客户投诉座席的问题", "002 第13篇 19"),
        # 客户情绪激动
        _say(
            "angry",
            "对不起，先生/女士，请问有什么可以帮助您？（尽量抚平客户情绪，无法处理时马上报告现场主管）",
            "002 第17篇 16",
        ),
        _say(
            "angry",
            "先生/女士很抱歉给您带来这么多麻烦，您有什么事情可以跟我讲一下，我也会尽快帮您反映的，您看可以吗？",
            "002 第13篇 17",
            when="客户要求找领导",
        ),
        _never("angry", "嘴巴干净一点", "002 第17篇 16"),
        _never("angry", "这又不是我的错", "002 第17篇 16"),
        _never("angry", "您有多大的事还用找领导", "002 第13篇 17"),
        # 询问处理结果
        _say(
            "progress",
            "先生/女士，我们这里已经有了您反映的问题的记录，并且已经通知相关部门正在帮您处理，一有结果我们会马上和您联系。很抱歉给您带来这么多麻烦，您再耐心地等待一下好吗？",
            "002 第13篇 16",
        ),
        _never("progress", "您得给我们处理时间", "002 第13篇 16"),
        _never("progress", "我们处理也得有个过程", "002 第13篇 16"),
        # 意见、建议与表扬
        _say(
            "suggestion",
            "非常感谢您给我们提出这么好的建议，我已经作了详细的记录，并会反馈到相关部门进行分析，根据实际情况进行改进。",
            "002 第13篇 18",
        ),
        _say(
            "suggestion",
            "请不必客气，这是我们应该做的，感谢您对我们工作的支持。",
            "002 第17篇 31",
            when="客户表示感谢或表扬",
        ),
        _behaviour("suggestion", "不作任何回应，继续下一个问题或结束通话", "002 第13篇 18"),
        # 结束语
        _say("closing", "请问我刚才的解释您是否清楚？", "002 第17篇 33", when="解释之后确认"),
        _say("closing", "请问还有什么可以帮助您？", "002 第17篇 34"),
        _say("closing", f"感谢您的来电，今后有什么需要帮助，{call_us}，再见！", "002 第13篇 20"),
        _say(
            "closing",
            f"我们就是想了解一下情况，以便今后更好地为您提供服务，今后有什么需要帮助，{call_us}。祝您工作愉快，再见！",
            "002 第13篇 20",
            when="回访结束",
        ),
        _never("closing", "没事了吧", "002 第17篇 21、34"),
        _never("closing", "您挂电话吧", "002 第17篇 34"),
        _never("closing", "听懂了吧", "002 第17篇 33"),
        _behaviour("closing", "客户还在反映问题时强行说结束语并挂断电话", "002 第13篇 20"),
        # 节日问候（节前三天至假期最后一天）
        _say("festival", "祝您节日愉快！", "002 第13篇 20"),
        _say("festival", "祝您新春快乐！", "000 第5篇", holiday="春节"),
        _say("festival", "祝您元旦快乐，新年顺利！", "002 第13篇 20", holiday="元旦"),
        _say("festival", "祝您劳动节快乐！", "002 第13篇 20", holiday="劳动节"),
        _say("festival", "祝您端午安康！", "002 第13篇 20", holiday="端午节"),
        _say("festival", "祝您中秋快乐，阖家团圆！", "002 第13篇 20", holiday="中秋节"),
        _say("festival", "祝您国庆节快乐！", "002 第13篇 20", holiday="国庆节"),
        # 通话全程
        _say(
            "any",
            "使用“好的”“可以”“再见”“谢谢”。",
            "002 第13篇 13",
        ),
        _never("any", "OK", "002 第13篇 13", exceptions="OK镜、OK绷"),
        _never("any", "GOOD", "002 第13篇 13"),
        _never("any", "THANK", "002 第13篇 13"),
        _never("any", "BYEBYE", "002 第13篇 13"),
        _never("any", "GOODBYE", "002 第13篇 13"),
        _behaviour("any", "语速过快而没有提示", "002 第17篇 12"),
    ]
